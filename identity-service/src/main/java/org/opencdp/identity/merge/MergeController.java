package org.opencdp.identity.merge;

import java.util.List;
import org.opencdp.identity.graph.ProfileRepository;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** Why a profile of the caller's workspace was merged with others. */
@RestController
class MergeController {

    /** The most merges one answer lists (the default cap is 100 per profile). */
    static final int MAX_MERGES = 1000;

    private final ProfileRepository profiles;
    private final MergeRepository merges;

    MergeController(ProfileRepository profiles, MergeRepository merges) {
        this.profiles = profiles;
        this.merges = merges;
    }

    @GetMapping("/v1/profiles/{id}/merges")
    ProfileMergesResponse merges(Caller caller, @PathVariable String id) {
        caller.requireAny(Scopes.PROFILES_READ, Scopes.IDENTITY_READ);
        String workspaceId = caller.workspaceId();
        String survivor = profiles.canonicalId(workspaceId, id)
                .orElseThrow(() -> CdpException.notFound("profile", id));
        List<String> survivors = profiles.withMergedAncestors(workspaceId, survivor);
        List<ProfileMergesResponse.Merge> items = merges.findBySurvivors(workspaceId, survivors, MAX_MERGES).stream()
                .map(MergeController::toResponse).toList();
        return new ProfileMergesResponse(survivor, id, survivor.equals(id) ? null : survivor, items);
    }

    private static ProfileMergesResponse.Merge toResponse(MergeRecord merge) {
        return new ProfileMergesResponse.Merge(merge.id(), merge.survivorId(), merge.mergedIds(),
                merge.identifiers().stream()
                        .map(i -> new ProfileMergesResponse.Identifier(i.type(), i.value())).toList(),
                merge.dropped().stream().map(d -> new ProfileMergesResponse.Dropped(d.identifier().type(),
                        d.identifier().value(), d.reason())).toList(),
                merge.eventId(), merge.messageId(), merge.sourceId(), merge.rule(), merge.rulesVersion(),
                merge.mergedAt());
    }
}
