#include "analyzer/synth_values.h"

#include <array>
#include <cctype>

namespace pgsafe::synth {

namespace {

// Small lists written for pgsafe; enough variety that a screen of rows looks like real data.
constexpr std::array<std::string_view, 48> kFirst = {
    "Ada",    "Alan",   "Amara", "Ben",    "Carla",  "Chen",   "Dana",    "David",  "Elena",  "Emeka",
    "Farah",  "Felix",  "Grace", "Hana",   "Hugo",   "Ines",   "Ivan",    "Jamal",  "Julia",  "Kai",
    "Keiko",  "Lars",   "Leila", "Lucas",  "Maya",   "Mateo",  "Nadia",   "Noah",   "Olga",   "Omar",
    "Priya",  "Paulo",  "Quinn", "Rosa",   "Rahul",  "Sara",   "Sven",    "Tariq",  "Tomas",  "Uma",
    "Vera",   "Victor", "Wen",   "Xavier", "Yara",   "Yusuf",  "Zoe",     "Zane"};
constexpr std::array<std::string_view, 48> kLast = {
    "Adams",   "Ahmed",   "Baker",   "Berg",     "Costa",   "Chen",    "Dubois",  "Diaz",    "Evans",   "Eriksen",
    "Fischer", "Garcia",  "Gomez",   "Hansen",   "Ito",     "Jansen",  "Kim",     "Kowalski","Laurent", "Lopez",
    "Meyer",   "Moreau",  "Nakamura","Novak",    "Okafor",  "Olsen",   "Park",    "Patel",   "Quiroga", "Rossi",
    "Russo",   "Silva",   "Smith",   "Suzuki",   "Tanaka",  "Torres",  "Ueda",    "Varga",   "Vogel",   "Walker",
    "Weber",   "Wong",    "Xu",      "Yamada",   "Young",   "Zhang",   "Zimmer",  "Novikova"};
constexpr std::array<std::string_view, 30> kCities = {
    "Lisbon", "Oslo", "Nairobi", "Osaka", "Lyon", "Austin", "Porto", "Krakow", "Valencia", "Accra",
    "Seattle", "Toronto", "Melbourne", "Bergen", "Leeds", "Quito", "Hanoi", "Pune", "Bremen", "Tartu",
    "Cork", "Graz", "Malmo", "Kyoto", "Lagos", "Denver", "Utrecht", "Ghent", "Bologna", "Chennai"};
struct Country {
  std::string_view name, code, currency, language, timezone;
};
constexpr std::array<Country, 16> kCountries = {{
    {"Portugal", "PT", "EUR", "pt", "Europe/Lisbon"},     {"Norway", "NO", "NOK", "nb", "Europe/Oslo"},
    {"Kenya", "KE", "KES", "sw", "Africa/Nairobi"},       {"Japan", "JP", "JPY", "ja", "Asia/Tokyo"},
    {"France", "FR", "EUR", "fr", "Europe/Paris"},        {"United States", "US", "USD", "en", "America/Chicago"},
    {"Poland", "PL", "PLN", "pl", "Europe/Warsaw"},       {"Spain", "ES", "EUR", "es", "Europe/Madrid"},
    {"Ghana", "GH", "GHS", "en", "Africa/Accra"},         {"Canada", "CA", "CAD", "en", "America/Toronto"},
    {"Australia", "AU", "AUD", "en", "Australia/Melbourne"}, {"United Kingdom", "GB", "GBP", "en", "Europe/London"},
    {"Ecuador", "EC", "USD", "es", "America/Guayaquil"},  {"Vietnam", "VN", "VND", "vi", "Asia/Ho_Chi_Minh"},
    {"India", "IN", "INR", "hi", "Asia/Kolkata"},         {"Germany", "DE", "EUR", "de", "Europe/Berlin"},
}};
constexpr std::array<std::string_view, 40> kAdjectives = {
    "quiet", "bright", "early", "golden", "hidden", "little", "modern", "northern", "open", "rapid",
    "silver", "simple", "steady", "summer", "swift", "tidy", "urban", "vivid", "warm", "wild",
    "ancient", "bold", "calm", "clever", "crisp", "daily", "eager", "fresh", "gentle", "honest",
    "lively", "lucky", "mellow", "noble", "proud", "rustic", "sharp", "solid", "sunny", "young"};
constexpr std::array<std::string_view, 48> kNouns = {
    "garden", "river", "harbor", "meadow", "lantern", "signal", "orchard", "bridge", "canvas", "compass",
    "engine", "falcon", "forest", "glacier", "horizon", "island", "journal", "kernel", "ladder", "market",
    "mountain", "notebook", "ocean", "palette", "pioneer", "planet", "prism", "quarry", "rocket", "sapling",
    "shelter", "spring", "station", "summit", "thread", "timber", "tower", "valley", "voyage", "window",
    "workshop", "atlas", "beacon", "cabin", "delta", "ember", "fountain", "grove"};
constexpr std::array<std::string_view, 24> kVerbs = {
    "builds", "shares", "tracks", "explores", "collects", "reviews", "plans", "maps", "measures", "records",
    "gathers", "sorts", "paints", "repairs", "tests", "writes", "follows", "opens", "lights", "guides",
    "keeps", "finds", "joins", "shapes"};
constexpr std::array<std::string_view, 10> kStreets = {"Maple", "Harbor", "Station", "Mill", "Park",
                                                       "Church", "Orchard", "River", "Elm", "King"};
constexpr std::array<std::string_view, 8> kStreetKinds = {"Street", "Road", "Avenue", "Lane", "Way", "Place", "Row", "Court"};
constexpr std::array<std::string_view, 12> kColors = {"red", "orange", "amber", "green", "teal", "blue",
                                                      "indigo", "violet", "pink", "brown", "grey", "black"};
constexpr std::array<std::string_view, 6> kStatuses = {"active", "pending", "archived", "draft", "review", "done"};
constexpr std::array<std::string_view, 3> kDomains = {"example.com", "example.org", "example.net"};
constexpr std::array<std::string_view, 6> kCompanySuffix = {"Labs", "Works", "Studio", "Group", "Co", "Systems"};
constexpr std::array<std::string_view, 8> kRegions = {"North", "South", "East", "West", "Central", "Coast", "Highlands", "Valley"};

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
bool ends(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool is(std::string_view s, std::initializer_list<std::string_view> names) {
  for (auto n : names)
    if (s == n) return true;
  return false;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string capitalised(std::string_view w) {
  std::string out(w);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

}  // namespace

std::string base36(uint64_t n) {
  static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  do {
    out.insert(out.begin(), digits[n % 36]);
    n /= 36;
  } while (n);
  return out;
}

Role role_of(std::string_view column_name, std::string_view table_name) {
  std::string c = lower_ascii(column_name), t = lower_ascii(table_name);
  std::string_view n = c;
  // Times and flags first: "email_verified_at" is a time, "is_email_public" a flag.
  if (ends(n, "_at") || ends(n, "_on") || ends(n, "_date") || ends(n, "_time") || is(n, {"published", "updated", "created"})) {
    if (has(n, "creat") || has(n, "insert") || has(n, "regist") || has(n, "join") || has(n, "signup") || has(n, "added"))
      return Role::Created;
    if (has(n, "updat") || has(n, "modif") || has(n, "edit") || has(n, "chang") || has(n, "last_") || has(n, "seen"))
      return Role::Updated;
    if (has(n, "publish") || has(n, "posted") || has(n, "sent") || has(n, "releas")) return Role::Published;
    if (has(n, "delet") || has(n, "remov") || has(n, "archiv") || has(n, "ban") || has(n, "expir") || has(n, "revok") ||
        has(n, "cancel"))
      return Role::Deleted;
    if (has(n, "start") || has(n, "begin") || has(n, "open")) return Role::Starts;
    if (has(n, "end") || has(n, "finish") || has(n, "clos") || has(n, "stop")) return Role::Ends;
    if (has(n, "birth") || n == "dob") return Role::Birth;
    if (has(n, "due") || has(n, "deadline")) return Role::Due;
    return Role::None;
  }
  if (has(n, "birth") || n == "dob") return Role::Birth;
  if (n.rfind("is_", 0) == 0 || n.rfind("has_", 0) == 0 || n.rfind("can_", 0) == 0 || is(n, {"deleted", "removed", "banned", "locked",
                                                                                             "active", "enabled", "visible", "published"})) {
    if (has(n, "delet") || has(n, "remov") || has(n, "ban") || has(n, "lock") || has(n, "block") || has(n, "spam") ||
        has(n, "bot") || has(n, "nsfw") || has(n, "private") || has(n, "hidden"))
      return Role::FlagOff;
    return Role::FlagOn;
  }
  if (has(n, "email")) return Role::Email;
  if (is(n, {"first_name", "firstname", "given_name", "forename"})) return Role::FirstName;
  if (is(n, {"last_name", "lastname", "surname", "family_name"})) return Role::LastName;
  if (is(n, {"username", "user_name", "handle", "login", "nickname", "nick", "screen_name", "user_handle"})) return Role::Username;
  if (has(n, "phone") || has(n, "mobile") || n == "tel" || n == "fax") return Role::Phone;
  if (has(n, "avatar") || has(n, "image") || has(n, "photo") || has(n, "picture") || has(n, "icon") || has(n, "banner") ||
      has(n, "thumbnail") || has(n, "logo"))
    return Role::ImageUrl;
  if (has(n, "url") || has(n, "website") || has(n, "homepage") || n == "link" || ends(n, "_link") || n == "uri" || ends(n, "_uri") ||
      n == "href")
    return Role::Url;
  if (n == "city" || n == "town" || ends(n, "_city")) return Role::City;
  if (n == "country_code" || n == "iso_code" || n == "country_iso" || n == "iso2") return Role::CountryCode;
  if (n == "country" || ends(n, "_country")) return Role::Country;
  if (n == "state" && (has(t, "address") || has(t, "location"))) return Role::Region;
  if (n == "region" || n == "province" || n == "county") return Role::Region;
  if (has(n, "postal") || has(n, "zip") || n == "postcode") return Role::PostalCode;
  if (has(n, "address") || has(n, "street")) return Role::Address;
  if (n == "slug" || ends(n, "_slug")) return Role::Slug;
  if (is(n, {"sku", "code", "reference", "ref", "serial", "serial_number", "barcode", "order_number", "invoice_number"}) ||
      (ends(n, "_code") && !has(n, "country") && !has(n, "currency") && !has(n, "language") && !has(n, "postal")))
    return Role::Code;
  if (is(n, {"title", "subject", "headline", "heading", "caption", "label"}) || ends(n, "_title")) return Role::Title;
  if (is(n, {"description", "bio", "body", "content", "text", "comment", "message", "summary", "note", "notes", "about",
             "details", "reason", "excerpt", "markdown", "sidebar"}) ||
      ends(n, "_description") || ends(n, "_body") || ends(n, "_text") || ends(n, "_message") || ends(n, "_reason") ||
      ends(n, "_content"))
    return Role::Description;
  if (is(n, {"company", "organization", "organisation", "employer", "brand", "vendor"})) return Role::Company;
  if (n == "color" || n == "colour" || ends(n, "_color") || ends(n, "_colour")) return Role::Color;
  if (n == "currency" || n == "currency_code") return Role::Currency;
  if (n == "language" || n == "lang" || n == "locale" || ends(n, "_language") || n == "language_code") return Role::Language;
  if (n == "timezone" || n == "time_zone" || n == "tz") return Role::Timezone;
  if (n == "status" || n == "state" || ends(n, "_status")) return Role::Status;
  if (n == "ip" || has(n, "ip_address") || n == "ip_addr") return Role::IpText;
  if (has(n, "password") || has(n, "hash") || has(n, "token") || has(n, "secret") || has(n, "api_key") || has(n, "salt") ||
      has(n, "digest") || has(n, "private_key") || has(n, "public_key") || has(n, "signature"))
    return Role::Secret;
  if (n == "name" || n == "full_name" || n == "fullname" || n == "display_name" || n == "author" || n == "author_name" ||
      n == "contact_name" || n == "real_name") {
    for (std::string_view p : {"user", "person", "profile", "member", "author", "customer", "employee", "account", "people",
                               "contact", "owner", "admin", "student", "teacher", "patient", "staff", "player"})
      if (has(t, p)) return Role::FullName;
    if (n != "name") return Role::FullName;
    return Role::Title;
  }
  if (has(n, "latitude") || n == "lat") return Role::Latitude;
  if (has(n, "longitude") || n == "lng" || n == "lon" || n == "long") return Role::Longitude;
  if (has(n, "price") || has(n, "amount") || has(n, "cost") || has(n, "total") || has(n, "fee") || has(n, "balance") ||
      has(n, "salary") || has(n, "subtotal") || has(n, "tax") || has(n, "discount") || has(n, "budget") || has(n, "revenue"))
    return Role::Price;
  if (has(n, "quantity") || n == "qty" || has(n, "stock") || n == "units" || has(n, "inventory")) return Role::Quantity;
  if (has(n, "count") || n.rfind("num_", 0) == 0 || ends(n, "_num") || has(n, "views") || has(n, "score") || has(n, "votes") ||
      has(n, "upvotes") || has(n, "downvotes") || has(n, "subscribers") || has(n, "followers"))
    return Role::Count;
  if (has(n, "rating") || n == "stars") return Role::Rating;
  if (n == "age") return Role::Age;
  if (n == "year" || ends(n, "_year")) return Role::Year;
  if (has(n, "percent") || n == "pct" || ends(n, "_pct") || has(n, "ratio")) return Role::Percent;
  if (has(n, "position") || has(n, "sort") || n == "rank" || has(n, "priority") || n == "order" || has(n, "ordinal") ||
      n == "seq" || n == "level")
    return Role::Position;
  if (n == "name" || ends(n, "_name") || n == "kind" || n == "type" || n == "category" || n == "tag" || n == "role")
    return Role::Word;
  return Role::None;
}

Person Person::pick(Rng& rng) {
  Person p;
  p.first = rng.pick(kFirst);
  p.last = rng.pick(kLast);
  return p;
}

std::string words(Rng& rng, int count, bool capitalise) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    std::string_view w = i % 2 == 0 && i + 1 < count ? rng.pick(kAdjectives) : rng.pick(kNouns);
    if (!out.empty()) out += ' ';
    out += capitalise ? capitalised(w) : std::string(w);
  }
  return out;
}

std::string sentences(Rng& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (!out.empty()) out += ' ';
    out += "The " + std::string(rng.pick(kAdjectives)) + " " + std::string(rng.pick(kNouns)) + " " +
           std::string(rng.pick(kVerbs)) + " the " + std::string(rng.pick(kAdjectives)) + " " +
           std::string(rng.pick(kNouns)) + ".";
  }
  return out;
}

std::string text_for(Role role, Rng& rng, const Person& person, const std::string& unique) {
  std::string first = lower_ascii(person.first), last = lower_ascii(person.last);
  auto with_unique = [&](std::string s, char sep) { return unique.empty() ? s : s + sep + unique; };
  switch (role) {
    case Role::Email:
      return with_unique(first + "." + last, '.') + "@" + std::string(rng.pick(kDomains));
    case Role::FirstName: return with_unique(std::string(person.first), ' ');
    case Role::LastName: return with_unique(std::string(person.last), ' ');
    case Role::FullName: return with_unique(std::string(person.first) + " " + std::string(person.last), ' ');
    case Role::Username: return with_unique(first + "_" + last.substr(0, 1) + std::to_string(rng.below(100)), '_');
    case Role::Phone: {
      // 555-01xx numbers are reserved for fiction in North America.
      std::string s = "+1-" + std::to_string(rng.between(201, 989)) + "-555-01" + std::to_string(rng.between(10, 99));
      return with_unique(s, 'x');
    }
    case Role::Url:
      return "https://" + std::string(rng.pick(kDomains)) + "/" + with_unique(std::string(rng.pick(kNouns)), '-');
    case Role::ImageUrl:
      return "https://" + std::string(rng.pick(kDomains)) + "/images/" + with_unique(std::string(rng.pick(kNouns)), '-') + ".png";
    case Role::City: return with_unique(std::string(rng.pick(kCities)), ' ');
    case Role::Country: return with_unique(std::string(rng.pick(kCountries).name), ' ');
    case Role::CountryCode: return with_unique(std::string(rng.pick(kCountries).code), '-');
    case Role::Currency: return with_unique(std::string(rng.pick(kCountries).currency), '-');
    case Role::Language: return with_unique(std::string(rng.pick(kCountries).language), '-');
    case Role::Timezone: return with_unique(std::string(rng.pick(kCountries).timezone), '-');
    case Role::Region: return with_unique(std::string(rng.pick(kRegions)) + " " + std::string(rng.pick(kCities)), ' ');
    case Role::PostalCode: return with_unique(std::to_string(rng.between(10000, 99999)), '-');
    case Role::Address:
      return with_unique(std::to_string(rng.between(1, 250)) + " " + std::string(rng.pick(kStreets)) + " " +
                             std::string(rng.pick(kStreetKinds)),
                         ' ');
    case Role::Title: return with_unique(words(rng, 2 + static_cast<int>(rng.below(2)), true), ' ');
    case Role::Description: {
      std::string s = sentences(rng, 1 + static_cast<int>(rng.below(3)));
      return unique.empty() ? s : s + " (" + unique + ")";
    }
    case Role::Slug: {
      std::string s = std::string(rng.pick(kAdjectives)) + "-" + std::string(rng.pick(kNouns));
      return with_unique(s, '-');
    }
    case Role::Company:
      return with_unique(capitalised(rng.pick(kNouns)) + " " + std::string(rng.pick(kCompanySuffix)), ' ');
    case Role::Color: return with_unique(std::string(rng.pick(kColors)), '-');
    case Role::Status: return with_unique(std::string(rng.pick(kStatuses)), '-');
    case Role::IpText:
      return "192.0.2." + std::to_string(rng.between(1, 254)) + (unique.empty() ? "" : "#" + unique);
    case Role::Secret: {
      static const char hex[] = "0123456789abcdef";
      std::string s;
      for (int i = 0; i < 32; ++i) s += hex[rng.below(16)];
      return with_unique(s, '-');
    }
    case Role::Word: return with_unique(std::string(rng.pick(kNouns)), '-');
    case Role::Code: {
      std::string s;
      for (int i = 0; i < 2; ++i) s += static_cast<char>('A' + rng.below(26));
      s += "-" + std::to_string(rng.between(1000, 9999));
      return with_unique(s, '-');
    }
    default: return with_unique(words(rng, 2, false), ' ');
  }
}

}  // namespace pgsafe::synth
