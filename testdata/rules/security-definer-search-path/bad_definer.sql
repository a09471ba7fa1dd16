-- expect: security-definer-search-path
-- expect: security-definer-search-path
-- expect: security-definer-search-path
CREATE FUNCTION admin_delete_user(uid uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER
AS $$ DELETE FROM users WHERE id = uid $$;
CREATE PROCEDURE reset_all() LANGUAGE sql SECURITY DEFINER AS $$ TRUNCATE sessions $$;
CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM users $$;
ALTER FUNCTION count_users() SECURITY DEFINER;
