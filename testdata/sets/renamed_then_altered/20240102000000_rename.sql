-- expect: none
ALTER TABLE users RENAME TO accounts;
ALTER TABLE accounts RENAME COLUMN handle TO username;
ALTER TABLE posts RENAME COLUMN user_id TO account_id;
ALTER INDEX posts_user_id_idx RENAME TO posts_account_id_idx;
