package org.opencdp.activation.destination;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Brings every stored destination credential under the current encryption key after a rotation
 * (docs/destinations.md, "Key rotation"): passes over the credentials not under it, {@value
 * #BATCH_SIZE} per transaction, from start-up on and then every minute. At the end of each pass
 * the number still not under the current key is the gauge {@code
 * cdp.activation.credentials.stale} and, while it is above zero or when it reaches zero, a log line:
 * an operator drops the previous key once it says 0. A credential no configured key opens is
 * skipped, logged (never its content) and counted, so it cannot stall the pass.
 */
@Component
class CredentialRekeyLoop extends BackgroundLoop {

    static final int BATCH_SIZE = 100;
    /** Stale credentials appear only with a new key, which takes a restart; the pass repeats for those it could not open. */
    private static final Duration PASS_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(CredentialRekeyLoop.class);

    private final CredentialRekeyService rekeying;
    private final AtomicLong stale = new AtomicLong(-1);
    private DestinationRef cursor = CredentialRekeyService.START;
    private long rekeyedThisPass;

    CredentialRekeyLoop(CredentialRekeyService rekeying, MeterRegistry meters) {
        super("activation-credential-rekey", PASS_INTERVAL);
        this.rekeying = rekeying;
        Gauge.builder("cdp.activation.credentials.stale", stale, AtomicLong::get)
                .description("Destination credentials not yet re-encrypted under the current key, as of the last "
                        + "pass (-1 before the first)")
                .register(meters);
    }

    @Override
    protected boolean runRound() {
        CredentialRekeyService.Batch batch = rekeying.rekey(cursor, BATCH_SIZE);
        rekeyedThisPass += batch.rekeyed();
        batch.unreadable().forEach(unreadable -> log.warn("Destination {} of workspace {}: its credentials cannot be "
                + "re-encrypted: {}", unreadable.ref().id(), unreadable.ref().workspaceId(), unreadable.reason()));
        if (batch.read() == BATCH_SIZE) {
            cursor = batch.last();
            return true;
        }
        cursor = CredentialRekeyService.START;
        long remaining = rekeying.remaining();
        long before = stale.getAndSet(remaining);
        if (remaining > 0) {
            log.warn("{} destination credentials are not under the current encryption key {} yet ({} re-encrypted "
                    + "in this pass): keep the previous keys configured", remaining, rekeying.currentKeyId(),
                    rekeyedThisPass);
        } else if (before != 0) {
            log.info("0 destination credentials remain under a previous encryption key ({} re-encrypted in this "
                    + "pass): every one is under key {}", rekeyedThisPass, rekeying.currentKeyId());
        }
        rekeyedThisPass = 0;
        return false;
    }
}
