package org.opencdp.activation.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Records outcomes in one statement ({@link DeliveryRepository#record}), counts those recorded by
 * outcome and destination type ({@code cdp_activation_deliveries_total{outcome, destination_type}},
 * registered at 0 for every pair, see {@link DeliveryMetrics}) and warns about those whose lease ran out. The dispatch round records what it settled
 * without sending, and each destination's worker what its sends came to.
 */
@Component
class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final DeliveryRepository deliveries;
    private final MeterRegistry meters;

    OutcomeRecorder(DeliveryRepository deliveries, MeterRegistry meters) {
        this.deliveries = deliveries;
        this.meters = meters;
    }

    void record(List<DeliveryOutcome> outcomes) {
        Set<UUID> recorded = deliveries.record(outcomes);
        for (DeliveryOutcome outcome : outcomes) {
            if (recorded.contains(outcome.delivery().id())) {
                DeliveryMetrics.deliveries(meters, outcome.outcome(), outcome.delivery().destinationType()).increment();
            } else {
                log.warn("The outcome ({}) of delivery {} was not recorded: its lease ran out (another round retries "
                        + "it) or its destination was deleted", outcome.outcome(), outcome.delivery().id());
            }
        }
    }
}
