package org.opencdp.activation.destination;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.opencdp.activation.connector.Connector;
import org.opencdp.activation.connector.ConnectorConfig;
import org.opencdp.activation.connector.ConnectorTarget;
import org.opencdp.activation.connector.Connectors;
import org.opencdp.kit.problem.CdpException;
import org.opencdp.kit.problem.InvalidField;
import org.opencdp.kit.problem.ValidationErrors;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Destinations of a workspace: validated by their connector, credentials encrypted before they are
 * stored, and looked up by what they subscribed to. Every method takes the workspace.
 */
@Service
public class DestinationService {

    private final DestinationRepository repository;
    private final Connectors connectors;
    private final SecretCipher cipher;
    private final JsonMapper json;

    DestinationService(DestinationRepository repository, Connectors connectors, SecretCipher cipher, JsonMapper json) {
        this.repository = repository;
        this.connectors = connectors;
        this.cipher = cipher;
        this.json = json;
    }

    @Transactional
    Destination create(String workspaceId, DestinationRequest request) {
        UUID id = UUID.randomUUID();
        Validated validated = validate(workspaceId, id, request, null);
        return repository.insert(validated.destination(), validated.secretCiphertext());
    }

    @Transactional
    Destination replace(String workspaceId, String id, DestinationRequest request) {
        Destination existing = require(workspaceId, id);
        Validated validated = validate(workspaceId, existing.id(), request, existing);
        return repository.update(validated.destination(), validated.secretCiphertext())
                .orElseThrow(() -> notFound(id));
    }

    @Transactional
    void delete(String workspaceId, String id) {
        if (!repository.delete(workspaceId, parseId(id).orElseThrow(() -> notFound(id)))) {
            throw notFound(id);
        }
    }

    List<Destination> list(String workspaceId) {
        return repository.list(workspaceId);
    }

    /** The destination {@code id} of the workspace; a {@code 404 destination_not_found} problem otherwise. */
    public Destination require(String workspaceId, String id) {
        return parseId(id).flatMap(uuid -> repository.find(workspaceId, uuid)).orElseThrow(() -> notFound(id));
    }

    /** The destinations of {@code refs} that exist, by reference, read in one statement. */
    public Map<DestinationRef, Destination> findAll(Collection<DestinationRef> refs) {
        Map<DestinationRef, Destination> found = new HashMap<>();
        repository.findAll(refs).forEach(destination -> found.put(DestinationRef.of(destination), destination));
        return found;
    }

    /**
     * The enabled destinations of {@code workspaceIds} subscribed to any of the track events {@code
     * names} (by name or with {@code "*"}), read in one statement.
     */
    public SubscriberIndex eventSubscribers(Collection<String> workspaceIds, Collection<String> names) {
        if (workspaceIds.isEmpty() || names.isEmpty()) {
            return SubscriberIndex.empty();
        }
        return SubscriberIndex.of(repository.eventSubscribers(workspaceIds, names));
    }

    /** The enabled destinations of {@code workspaceIds} subscribed to any of {@code segmentIds}, read in one statement. */
    public SubscriberIndex segmentSubscribers(Collection<String> workspaceIds, Collection<String> segmentIds) {
        if (workspaceIds.isEmpty() || segmentIds.isEmpty()) {
            return SubscriberIndex.empty();
        }
        return SubscriberIndex.of(repository.segmentSubscribers(workspaceIds, segmentIds));
    }

    /**
     * What connectors need to send to each of {@code destinations}: its settings and its decrypted
     * credentials, read in one statement. A destination whose credentials cannot be decrypted is
     * listed apart with the reason, so the others still send.
     */
    public Targets targets(Collection<Destination> destinations) {
        Map<DestinationRef, byte[]> ciphertexts = repository.secretCiphertexts(
                destinations.stream().filter(Destination::secretSet).map(DestinationRef::of).toList());
        Map<DestinationRef, ConnectorTarget> ready = new HashMap<>();
        Map<DestinationRef, String> unusable = new HashMap<>();
        for (Destination destination : destinations) {
            DestinationRef ref = DestinationRef.of(destination);
            try {
                byte[] ciphertext = ciphertexts.get(ref);
                ObjectNode secrets = ciphertext == null ? json.createObjectNode()
                        : open(ciphertext, destination.workspaceId(), destination.id());
                ready.put(ref, new ConnectorTarget(destination.id(), destination.workspaceId(), destination.settings(),
                        secrets));
            } catch (IllegalStateException e) {
                unusable.put(ref, e.getMessage());
            }
        }
        return new Targets(ready, unusable);
    }

    private Validated validate(String workspaceId, UUID id, DestinationRequest request, Destination existing) {
        Connector connector = connectors.require(request.type());
        List<String> purposes = distinct(request.requiredPurposes());
        if (purposes.isEmpty()) {
            throw CdpException.badRequest("purposes_required", "A destination needs at least one required purpose: "
                    + "consent-service decides every delivery for those purposes.");
        }
        ObjectNode config = request.config().deepCopy();
        boolean keepsStoredSecrets = existing != null && existing.type().equals(request.type()) && existing.secretSet()
                && connector.secretFields().stream().anyMatch(field -> !config.has(field));
        if (keepsStoredSecrets) {
            ObjectNode stored = secrets(workspaceId, id);
            for (String field : connector.secretFields()) {
                if (!config.has(field) && stored.has(field)) {
                    config.set(field, stored.get(field));
                }
            }
        }
        ConnectorConfig validated = connector.validate(config);
        byte[] ciphertext = validated.secrets().isEmpty() ? null
                : cipher.encrypt(json.writeValueAsBytes(validated.secrets()), associatedData(workspaceId, id));
        Subscriptions subscriptions = request.subscriptions() == null ? new Subscriptions(null, null)
                : request.subscriptions();
        if (connector.syncsAudiences() && !distinct(subscriptions.events()).isEmpty()) {
            ValidationErrors errors = new ValidationErrors();
            errors.add(InvalidField.pointerTo("subscriptions", "events"), "must be empty: a " + request.type()
                    + " destination keeps an audience in step with the subscribed segments and takes no events");
            errors.throwIfAny("invalid_destination_config", "The destination subscribes to events it cannot take.");
        }
        Destination destination = new Destination(workspaceId, id, request.name().strip(), request.type(),
                validated.settings(), ciphertext != null, purposes, distinct(subscriptions.events()),
                distinct(subscriptions.segments()), request.enabled() == null || request.enabled(), null, null);
        return new Validated(destination, ciphertext);
    }

    private ObjectNode secrets(String workspaceId, UUID id) {
        return repository.secretCiphertext(workspaceId, id)
                .map(ciphertext -> open(ciphertext, workspaceId, id))
                .orElseGet(json::createObjectNode);
    }

    private ObjectNode open(byte[] ciphertext, String workspaceId, UUID id) {
        return (ObjectNode) json.readTree(new String(cipher.decrypt(ciphertext, associatedData(workspaceId, id)),
                StandardCharsets.UTF_8));
    }

    static String associatedData(String workspaceId, UUID id) {
        return "opencdp-destination:" + workspaceId + ":" + id;
    }

    private static List<String> distinct(List<String> values) {
        if (values == null) {
            return List.of();
        }
        return List.copyOf(new LinkedHashSet<>(values.stream().map(String::strip).toList()));
    }

    private static Optional<UUID> parseId(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static CdpException notFound(String id) {
        return CdpException.notFound("destination", id);
    }

    private record Validated(Destination destination, byte[] secretCiphertext) {
    }

    /**
     * Destinations ready to be sent to ({@code ready}), and those whose credentials cannot be opened
     * with the reason ({@code unusable}: altered, or the encryption key changed).
     */
    public record Targets(Map<DestinationRef, ConnectorTarget> ready, Map<DestinationRef, String> unusable) {
    }
}
