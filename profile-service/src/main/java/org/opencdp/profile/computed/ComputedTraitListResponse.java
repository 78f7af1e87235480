package org.opencdp.profile.computed;

import java.util.List;

/** {@code GET /v1/computed-traits}: the workspace's computed traits, by key. */
record ComputedTraitListResponse(List<ComputedTraitResponse> items) {
}
