package io.eventgate.metrics;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

import java.util.function.Consumer;

/**
 * The fan-out's aggregation strategy with a look at each sink's answer before it: the strategy
 * clears a sink's exception, which the failure's reason class is made from. Every other call goes to
 * the strategy as it is.
 */
final class ObservedAggregation implements AggregationStrategy {

    private final AggregationStrategy strategy;
    private final Consumer<Exchange> observer;

    ObservedAggregation(AggregationStrategy strategy, Consumer<Exchange> observer) {
        this.strategy = strategy;
        this.observer = observer;
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        observer.accept(newExchange);
        return strategy.aggregate(oldExchange, newExchange);
    }

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange, Exchange inputExchange) {
        observer.accept(newExchange);
        return strategy.aggregate(oldExchange, newExchange, inputExchange);
    }

    @Override
    public boolean canPreComplete() {
        return strategy.canPreComplete();
    }

    @Override
    public boolean preComplete(Exchange oldExchange, Exchange newExchange) {
        return strategy.preComplete(oldExchange, newExchange);
    }

    @Override
    public void onCompletion(Exchange exchange) {
        strategy.onCompletion(exchange);
    }

    @Override
    public void onCompletion(Exchange exchange, Exchange inputExchange) {
        strategy.onCompletion(exchange, inputExchange);
    }

    @Override
    public void timeout(Exchange exchange, int index, int total, long timeout) {
        strategy.timeout(exchange, index, total, timeout);
    }

    @Override
    public void onOptimisticLockFailure(Exchange oldExchange, Exchange newExchange) {
        strategy.onOptimisticLockFailure(oldExchange, newExchange);
    }
}
