-- expect: ban-truncate
-- expect: ban-truncate
-- expect: ban-truncate
TRUNCATE sessions;
TRUNCATE TABLE ONLY billing.invoices, "AuditLog" RESTART IDENTITY CASCADE;
