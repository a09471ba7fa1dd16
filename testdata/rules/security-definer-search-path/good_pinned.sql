-- expect: none
CREATE FUNCTION admin_delete_user(uid uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = ''
AS $$ DELETE FROM public.users WHERE id = uid $$;
CREATE FUNCTION count_users() RETURNS bigint LANGUAGE sql SET search_path = public, pg_temp AS $$ SELECT count(*) FROM users $$;
ALTER FUNCTION count_users() SECURITY DEFINER;
-- SECURITY INVOKER functions resolve names as the caller anyway.
CREATE FUNCTION add(a int, b int) RETURNS int LANGUAGE sql AS 'select a + b';
-- A function from outside the set: whether it pins search_path is unknown.
ALTER FUNCTION auth.uid() SECURITY DEFINER;
