package io.eventgate.frontdoor;

import io.eventgate.config.ConfigHolder;
import io.eventgate.config.ReloadEndpoint;
import io.eventgate.gateway.GatewayException;
import io.eventgate.gateway.Responses;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.lambda.Lambda2Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.lambda.model.EnvironmentResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;

import java.util.Map;
import java.util.TreeMap;

/**
 * Lambda only: after {@code POST /terminate} has reloaded this instance, {@code direct:recycle-instances}
 * makes the function's other warm instances start afresh. It reads the function's configuration
 * and writes it back with {@value #GENERATION_VARIABLE} incremented (every other variable kept);
 * Lambda then serves new requests from new instances, which load the configuration at start.
 * Both calls go through camel-aws2-lambda ({@code getFunctionConfiguration},
 * {@code updateFunctionConfiguration}) with the default AWS credentials of the function's role.
 *
 * <p>The function is {@code AWS_LAMBDA_FUNCTION_NAME}; the setting {@value #ENDPOINT_OVERRIDE_SETTING}
 * points the calls at another Lambda API endpoint (tests). If the recycle fails, the answer is
 * 500 {@code internal} saying that only this instance was reloaded.
 */
public final class LambdaRecycleRoutes extends RouteBuilder {

    /** The environment variable that a recycle increments. */
    public static final String GENERATION_VARIABLE = "EVENTGATE_RELOAD_GENERATION";
    /** Setting: base URL of the Lambda API instead of AWS's, e.g. {@code http://127.0.0.1:4566}. */
    public static final String ENDPOINT_OVERRIDE_SETTING = "lambda_endpoint_override";

    private static final Logger LOG = LoggerFactory.getLogger(LambdaRecycleRoutes.class);
    private static final String GET_URI = "eventGateLambdaGetUri";
    private static final String UPDATE_URI = "eventGateLambdaUpdateUri";
    private static final String GENERATION = "eventGateReloadGeneration";

    private final ConfigHolder config;
    private final String functionName;

    public LambdaRecycleRoutes(ConfigHolder config, String functionName) {
        this.config = config;
        this.functionName = functionName;
    }

    @Override
    public void configure() {
        // Failures go back to the /terminate route, which answers them.
        errorHandler(noErrorHandler());

        from(ReloadEndpoint.RECYCLE_ENDPOINT).routeId("recycle-instances")
                .doTry()
                    .process(this::prepare)
                    .toD("${exchangeProperty." + GET_URI + "}")
                    .process(LambdaRecycleRoutes::bumpGeneration)
                    .toD("${exchangeProperty." + UPDATE_URI + "}")
                    .process(this::answer)
                .doCatch(Exception.class)
                    .process(LambdaRecycleRoutes::fail)
                .end();
    }

    private void prepare(Exchange exchange) {
        if (functionName == null || functionName.isBlank()) {
            throw new IllegalStateException("AWS_LAMBDA_FUNCTION_NAME is not set");
        }
        exchange.setProperty(GET_URI, uri("getFunctionConfiguration"));
        exchange.setProperty(UPDATE_URI, uri("updateFunctionConfiguration"));
    }

    private String uri(String operation) {
        StringBuilder uri = new StringBuilder("aws2-lambda:").append(functionName)
                .append("?operation=").append(operation)
                .append("&useDefaultCredentialsProvider=true");
        config.current().settings().get(ENDPOINT_OVERRIDE_SETTING).ifPresent(endpoint ->
                uri.append("&overrideEndpoint=true&uriEndpointOverride=RAW(").append(endpoint).append(')'));
        return uri.toString();
    }

    /** Turns the current configuration into the update: the same variables, the generation plus one. */
    static void bumpGeneration(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        GetFunctionConfigurationResponse current = message.getMandatoryBody(GetFunctionConfigurationResponse.class);
        EnvironmentResponse environment = current.environment();
        if (environment != null && environment.error() != null) {
            // Writing back without them would wipe the variables.
            throw new IllegalStateException("cannot read the function's environment variables: "
                    + environment.error().errorCode() + " " + environment.error().message());
        }
        Map<String, String> variables = new TreeMap<>(environment == null ? Map.of() : environment.variables());
        long generation = parseGeneration(variables.get(GENERATION_VARIABLE)) + 1;
        variables.put(GENERATION_VARIABLE, Long.toString(generation));
        message.removeHeaders("CamelAwsLambda*");
        message.setHeader(Lambda2Constants.ENVIRONMENT_VARIABLES, variables);
        exchange.setProperty(GENERATION, generation);
    }

    private static long parseGeneration(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void answer(Exchange exchange) {
        Object generation = exchange.getProperty(GENERATION);
        LOG.info("Recycling the other instances of {}: {}={}", functionName, GENERATION_VARIABLE, generation);
        exchange.getMessage().removeHeaders("*");
        Responses.success(exchange, 200, "Configuration reloaded; the other instances of the function are being recycled ("
                + GENERATION_VARIABLE + "=" + generation + ")");
    }

    private static void fail(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = cause == null ? "unknown error" : cause.getMessage();
        LOG.error("Configuration reloaded here, but the other instances were not recycled: {}", reason);
        throw new GatewayException(500, "internal",
                "Configuration reloaded on this instance, but the other instances were not recycled: " + reason);
    }
}
