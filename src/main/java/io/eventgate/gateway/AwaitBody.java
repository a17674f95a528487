package io.eventgate.gateway;

import io.eventgate.config.ConfigHolder;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The publish step that takes the request body, after the checks that need none. When the front
 * door is still receiving it ({@link Exchanges#BODY_SOURCE}), the route is suspended, holding no
 * thread, until the body is all in memory or refused (413, 408, 400); then it goes on from where
 * the body arrived. Without a body source the body is already the message's (the Lambda front door).
 */
public final class AwaitBody extends AsyncProcessorSupport {

    private final ConfigHolder config;

    public AwaitBody(ConfigHolder config) {
        this.config = config;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        RequestBody source = exchange.getProperty(Exchanges.BODY_SOURCE, RequestBody.class);
        if (source == null) {
            callback.done(true);
            return true;
        }
        exchange.removeProperty(Exchanges.BODY_SOURCE);
        source.read(config.current(exchange).maxBodyBytes(), (body, refusal) -> {
            if (refusal != null) {
                exchange.setException(refusal);
            } else {
                exchange.getMessage().setBody(body);
            }
            callback.done(false);
        });
        return false;
    }
}
