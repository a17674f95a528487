package io.eventgate.config;

import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * One {@code GetSecretValue} call to AWS Secrets Manager, as the sinks that keep their credentials
 * there (Postgres, Kafka) make it: the AWS default credentials chain, a short call timeout, and a
 * client made for the call and closed after it (a secret is read once per pool or producer).
 */
public final class SecretsManagerSecret {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(3);

    private SecretsManagerSecret() {
    }

    /**
     * @param what     names the secret in an error, e.g. {@code "Postgres secret 'prod/pg'"}
     * @param region   null: the SDK's default region
     * @param endpoint null: the AWS endpoint; else an {@code http(s)://} URL (a VPC endpoint, a test server)
     * @return the secret's {@code SecretString}
     */
    public static String read(String what, String name, String region, String endpoint) {
        SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(CALL_TIMEOUT).build());
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (endpoint != null) {
            builder.endpointOverride(URI.create(endpoint));
        }
        try (SecretsManagerClient client = builder.build()) {
            String text = client.getSecretValue(request -> request.secretId(name)).secretString();
            if (text == null) {
                throw new IllegalStateException(what + " has no SecretString");
            }
            return text;
        }
    }
}
