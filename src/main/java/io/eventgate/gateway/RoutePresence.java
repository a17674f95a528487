package io.eventgate.gateway;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/** Whether an optional route (a health probe, the instance recycler) is present. */
public final class RoutePresence {

    private RoutePresence() {
    }

    /** @param directUri for example {@code direct:health-kafka} */
    public static boolean hasRouteFrom(CamelContext context, String directUri) {
        String name = directUri.substring("direct:".length());
        for (Route route : context.getRoutes()) {
            String uri = route.getEndpoint().getEndpointUri();
            if (uri.equals("direct://" + name) || uri.equals("direct:" + name)) {
                return true;
            }
        }
        return false;
    }
}
