-- The portal's default list is every active request of an organization and
-- those changed (resolved, closed) recently: the active ones come from the
-- partial index requests_org_active, the recently changed ones from this one,
-- so the list costs the same for an organization with years of history.
CREATE INDEX requests_org_updated ON requests (org_id, updated_at);
