package org.opencdp.identity.api;

import java.util.ArrayList;
import java.util.List;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.contracts.IdentifierTypes;
import org.opencdp.identity.graph.IdentityLink;
import org.opencdp.identity.graph.IdentityRepository;
import org.opencdp.identity.graph.PersonIdentifier;
import org.opencdp.identity.graph.ProfileRepository;
import org.opencdp.identity.rules.CustomIdentifier;
import org.opencdp.identity.rules.IdentityRulesService;
import org.opencdp.identity.rules.WorkspaceRules;
import org.opencdp.kit.problem.CdpException;
import org.springframework.stereotype.Service;

/**
 * Reads the identity graph of one workspace; another workspace's ids are as unknown as missing ones.
 * A looked-up value is normalised like an event's (so {@code Jane@Example.com} finds {@code
 * jane@example.com}), and a merged-away profile id answers with its survivor.
 */
@Service
class IdentityQueryService {

    private final IdentityRepository identities;
    private final ProfileRepository profiles;
    private final IdentityRulesService rules;
    private final IdentityProperties properties;

    IdentityQueryService(IdentityRepository identities, ProfileRepository profiles, IdentityRulesService rules,
                         IdentityProperties properties) {
        this.identities = identities;
        this.profiles = profiles;
        this.rules = rules;
        this.properties = properties;
    }

    IdentityResponse identity(String workspaceId, String type, String value) {
        WorkspaceRules workspaceRules = rules.rulesFor(workspaceId);
        if (!IdentifierTypes.isWellFormed(type)) {
            List<String> supported = new ArrayList<>(IdentifierTypes.BUILT_IN);
            workspaceRules.customIdentifiers().stream().map(CustomIdentifier::type).forEach(supported::add);
            throw CdpException.badRequest("invalid_identifier_type", "'" + type + "' is not an identifier type: a type is "
                            + IdentifierTypes.nameRule() + ".")
                    .with("supportedTypes", supported);
        }
        String normalised = workspaceRules.normalise(type, value, properties.maxIdentifierLength())
                .orElseThrow(() -> CdpException.notFound("identity", type + ":" + value));
        PersonIdentifier identifier = new PersonIdentifier(type, normalised);
        return identities.profileOf(workspaceId, identifier)
                .map(profileId -> new IdentityResponse(type, normalised, profileId))
                .orElseThrow(() -> CdpException.notFound("identity", identifier.toString()));
    }

    ProfileIdentitiesResponse identitiesOf(String workspaceId, String profileId) {
        String survivor = profiles.canonicalId(workspaceId, profileId)
                .orElseThrow(() -> CdpException.notFound("profile", profileId));
        List<ProfileIdentitiesResponse.Identity> links = identities.identitiesOf(workspaceId, survivor).stream()
                .map(IdentityQueryService::toResponse)
                .toList();
        return new ProfileIdentitiesResponse(survivor, profileId, survivor.equals(profileId) ? null : survivor, links);
    }

    private static ProfileIdentitiesResponse.Identity toResponse(IdentityLink link) {
        return new ProfileIdentitiesResponse.Identity(link.identifier().type(), link.identifier().value(),
                link.firstSeenAt(), link.firstEventId(), link.firstSourceId());
    }
}
