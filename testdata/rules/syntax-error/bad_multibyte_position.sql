-- expect: syntax-error
-- The caret must land on the right column even after multi-byte characters.
COMMENT ON TABLE users IS 'Benutzer – Übersicht'; SELEC 1;
