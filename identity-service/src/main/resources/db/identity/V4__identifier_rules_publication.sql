-- Issue 14: identity publishes each workspace's identifier rules (phone region, blocked values) as
-- IdentifierRulesChanged on the compacted cdp.identity.identifier-rules.v1, which every other
-- service reads them from. published_version is the version last written to the outbox: a change
-- through the API stores and publishes in one transaction, and IdentifierRulesPublisher publishes
-- every row where it differs from version. Rules stored before this migration start at 0, so they
-- are published when the service starts; so is a change an instance of the previous release stores
-- during a rolling upgrade (it leaves published_version behind). Setting it back to 0 republishes.
ALTER TABLE identity_rules ADD COLUMN published_version BIGINT NOT NULL DEFAULT 0;

-- The publisher's scan: empty but for rules not yet published.
CREATE INDEX identity_rules_unpublished ON identity_rules (workspace_id) WHERE published_version <> version;
