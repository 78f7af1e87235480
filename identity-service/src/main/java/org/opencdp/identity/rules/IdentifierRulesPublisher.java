package org.opencdp.identity.rules;

import java.util.List;
import org.opencdp.contracts.IdentifierRulesChanged;
import org.opencdp.identity.IdentityProperties;
import org.opencdp.kit.outbox.Outbox;
import org.opencdp.kit.work.BackgroundLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Publishes stored rules that were never published: those stored before identity published rules
 * (issue 14: migration V4 leaves them unpublished), and a change an instance of the previous release
 * stores during a rolling upgrade. It runs when the service starts and then every {@code
 * cdp.identity.rules-publish-interval}; each round marks a batch published and appends its {@link
 * IdentifierRulesChanged} messages to the outbox in one transaction, so a crash publishes them on
 * the next round instead of never. A change made through the API publishes itself ({@link
 * IdentityRulesService#replace}); this loop only catches up, and usually finds nothing (an empty
 * partial index).
 */
@Component
class IdentifierRulesPublisher extends BackgroundLoop {

    private static final Logger log = LoggerFactory.getLogger(IdentifierRulesPublisher.class);

    /** Workspaces published per transaction. */
    static final int BATCH_SIZE = 500;

    private final IdentityRulesRepository repository;
    private final Outbox outbox;
    private final TransactionTemplate transactions;

    IdentifierRulesPublisher(IdentityRulesRepository repository, Outbox outbox, TransactionTemplate transactions,
                             IdentityProperties properties) {
        super("identifier-rules-publisher", properties.rulesPublishInterval());
        this.repository = repository;
        this.outbox = outbox;
        this.transactions = transactions;
    }

    @Override
    protected boolean runRound() {
        return publishBatch() >= BATCH_SIZE;
    }

    /** Publishes one batch of unpublished rules; returns how many workspaces it published. */
    int publishBatch() {
        Integer published = transactions.execute(status -> {
            List<IdentifierRulesChanged> messages = repository.claimUnpublished(BATCH_SIZE).stream()
                    .map(unpublished -> unpublished.rules().changed(unpublished.workspaceId()))
                    .toList();
            outbox.appendAll(messages);
            return messages.size();
        });
        if (published != null && published > 0) {
            log.info("Published the identifier rules of {} workspace(s) stored without publication", published);
        }
        return published == null ? 0 : published;
    }
}
