#pragma once
// Calendar arithmetic for the data generator: days since 1970-01-01 from a civil date and back
// (proleptic Gregorian), and the text PostgreSQL reads for date, time and timestamp values.
#include <cstdint>
#include <cstdio>
#include <string>

namespace pgsafe::synth {

// Days since 1970-01-01 of year-month-day. Years are shifted to start in March, so the leap day
// is the last day of the shifted year and each 400-year era has exactly 146097 days.
inline int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t year_of_era = y - era * 400;
  int64_t day_of_year = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

struct CivilDate {
  int64_t year;
  int month, day;
};

inline CivilDate civil_from_days(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t day_of_era = z - era * 146097;
  int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  int day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {year_of_era + era * 400 + (month <= 2), month, day};
}

inline int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline std::string format_date(int64_t seconds) {
  CivilDate c = civil_from_days(floor_div(seconds, 86400));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  return buf;
}

inline std::string format_time_of_day(int64_t seconds) {
  int64_t s = seconds - floor_div(seconds, 86400) * 86400;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60));
  return buf;
}

inline std::string format_timestamp(int64_t seconds, bool with_zone) {
  return format_date(seconds) + " " + format_time_of_day(seconds) + (with_zone ? "+00" : "");
}

}  // namespace pgsafe::synth
