package org.opencdp.activation.destination;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Re-encrypts stored destination credentials under the current key ({@link SecretCipher}), a batch
 * per transaction, so that after a rotation the previous key can be dropped. The credentials
 * themselves, and the destination's {@code updated_at}, do not change.
 */
@Service
class CredentialRekeyService {

    /** Where a pass starts: before every (workspace, id). */
    static final DestinationRef START = new DestinationRef("", new UUID(0, 0));

    private final DestinationRepository repository;
    private final SecretCipher cipher;

    CredentialRekeyService(DestinationRepository repository, SecretCipher cipher) {
        this.repository = repository;
        this.cipher = cipher;
    }

    /**
     * Re-encrypts up to {@code limit} credentials not under the current key, after {@code after};
     * those no configured key opens are left as they are and named in the answer.
     */
    @Transactional
    Batch rekey(DestinationRef after, int limit) {
        List<StoredSecret> stale = repository.staleSecrets(cipher.currentPrefix(), after, limit);
        List<StoredSecret> rekeyed = new ArrayList<>();
        List<Unreadable> unreadable = new ArrayList<>();
        for (StoredSecret secret : stale) {
            String associatedData = DestinationService.associatedData(secret.ref().workspaceId(), secret.ref().id());
            try {
                byte[] plaintext = cipher.decrypt(secret.ciphertext(), associatedData);
                rekeyed.add(new StoredSecret(secret.ref(), cipher.encrypt(plaintext, associatedData)));
            } catch (IllegalStateException e) {
                unreadable.add(new Unreadable(secret.ref(), e.getMessage()));
            }
        }
        if (!rekeyed.isEmpty()) {
            repository.replaceCiphertexts(rekeyed);
        }
        return new Batch(stale.size(), rekeyed.size(), unreadable,
                stale.isEmpty() ? after : stale.getLast().ref());
    }

    /** How many stored credentials are not under the current key yet. */
    long remaining() {
        return repository.countStaleSecrets(cipher.currentPrefix());
    }

    /** The hex id of the current key. */
    String currentKeyId() {
        return cipher.currentKeyId();
    }

    /**
     * One batch: how many stale credentials were read, how many re-encrypted, those that could not
     * be opened (with why), and the last one read, where the next batch of the pass starts.
     */
    record Batch(int read, int rekeyed, List<Unreadable> unreadable, DestinationRef last) {
    }

    /** A credential no configured key opens, and why. */
    record Unreadable(DestinationRef ref, String reason) {
    }
}
