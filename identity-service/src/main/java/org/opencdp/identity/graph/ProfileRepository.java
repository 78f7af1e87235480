package org.opencdp.identity.graph;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The profiles of the graph: one per person, identified by a server-generated id. */
@Repository
public class ProfileRepository {

    private final JdbcTemplate jdbc;

    ProfileRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates a profile; its creation time is the database's transaction time. */
    public void create(String workspaceId, String profileId) {
        jdbc.update("INSERT INTO profiles (workspace_id, id) VALUES (?, ?)", workspaceId, profileId);
    }

    public boolean exists(String workspaceId, String profileId) {
        return !jdbc.queryForList("SELECT 1 FROM profiles WHERE workspace_id = ? AND id = ?", Integer.class,
                workspaceId, profileId).isEmpty();
    }
}
