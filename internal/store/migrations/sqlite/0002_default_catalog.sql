-- The default plan catalog (SPEC: plan families) and product catalog. Operators
-- add, rename or retire entries through the API; these are the starting set.
INSERT INTO plans (code, name, family, standalone, add_on, active) VALUES
    ('business-essentials', 'Business Essentials', 'business', FALSE, FALSE, TRUE),
    ('business', 'Business', 'business', FALSE, FALSE, TRUE),
    ('business-premium', 'Business Premium', 'business', FALSE, FALSE, TRUE),
    ('education', 'Education', 'business', FALSE, FALSE, TRUE),
    ('e1', 'Enterprise E1', 'enterprise', FALSE, FALSE, TRUE),
    ('e3', 'Enterprise E3', 'enterprise', FALSE, FALSE, TRUE),
    ('gov-g2', 'Government G2', 'enterprise', FALSE, FALSE, TRUE),
    ('us-gov-e3', 'US Government E3', 'enterprise', FALSE, FALSE, TRUE),
    ('mail-standalone', 'Mail (standalone plan)', 'enterprise', TRUE, FALSE, TRUE),
    ('sites-standalone', 'Sites (standalone plan)', 'enterprise', TRUE, FALSE, TRUE),
    ('f1', 'Frontline F1', 'frontline', FALSE, FALSE, TRUE),
    ('us-gov-k1', 'US Government K1', 'frontline', FALSE, FALSE, TRUE),
    ('elevated-support', 'Elevated support (add-on)', 'elevated', FALSE, TRUE, TRUE);

INSERT INTO products (code, name, active) VALUES
    ('mail', 'Mail and calendars', TRUE),
    ('sites', 'Sites and file sharing', TRUE),
    ('meetings', 'Meetings, chat and calling', TRUE),
    ('apps', 'Desktop and mobile apps', TRUE),
    ('identity', 'Directory, domains and single sign-on', TRUE),
    ('admin', 'Admin center, licensing and billing', TRUE);
