package org.opencdp.identity.api;

import java.util.List;
import org.opencdp.identity.graph.IdentifierType;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.ProfileRepository;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Service;

/** Reads the identity graph of one workspace; another workspace's ids are as unknown as missing ones. */
@Service
class IdentityQueryService {

    private final IdentityRepository identities;
    private final ProfileRepository profiles;

    IdentityQueryService(IdentityRepository identities, ProfileRepository profiles) {
        this.identities = identities;
        this.profiles = profiles;
    }

    IdentityResponse identity(String workspaceId, IdentifierType type, String value) {
        PersonIdentifier identifier = new PersonIdentifier(type, value);
        return identities.profileOf(workspaceId, identifier)
                .map(profileId -> new IdentityResponse(type.wireName(), value, profileId))
                .orElseThrow(() -> CdpException.notFound("identity", identifier.toString()));
    }

    ProfileIdentitiesResponse identitiesOf(String workspaceId, String profileId) {
        if (!profiles.exists(workspaceId, profileId)) {
            throw CdpException.notFound("profile", profileId);
        }
        List<ProfileIdentitiesResponse.Identity> links = identities.identitiesOf(workspaceId, profileId).stream()
                .map(IdentityQueryService::toResponse)
                .toList();
        return new ProfileIdentitiesResponse(profileId, links);
    }

    private static ProfileIdentitiesResponse.Identity toResponse(IdentityLink link) {
        return new ProfileIdentitiesResponse.Identity(link.identifier().type().wireName(), link.identifier().value(),
                link.firstSeenAt(), link.firstEventId(), link.firstSourceId());
    }
}
