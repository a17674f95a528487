package io.eventgate.testsupport;

import io.eventgate.dev.EmbeddedKafka;
import org.apache.kerby.kerberos.kerb.KrbException;
import org.apache.kerby.kerberos.kerb.server.SimpleKdcServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One in-JVM KRaft broker with a secured client listener per mechanism EventGate supports, its
 * test CA, and an in-JVM KDC (Apache Kerby) for Kerberos; made on first use, once per test JVM,
 * and closed by the broker's shutdown hook. Listeners, all on {@code localhost}:
 * <ul>
 *   <li>{@code TLS}: SSL, the broker's certificate signed by {@link #ca()};</li>
 *   <li>{@code MTLS}: SSL with {@code ssl.client.auth=required}: a client certificate signed by the CA;</li>
 *   <li>{@code SASL}: SASL_SSL with SCRAM-SHA-512 and SCRAM-SHA-256 (user {@link #SCRAM_USER}, in the
 *       metadata from the format) and PLAIN (user {@link #PLAIN_USER}, in the broker's JAAS line);</li>
 *   <li>{@code KERBEROS}: SASL_SSL with GSSAPI, service {@code kafka/localhost}, and a keytab for
 *       the client principal {@link #KERBEROS_CLIENT}.</li>
 *   <li>{@code EXPIRED}: SSL, with a broker certificate signed by the CA that expired yesterday;</li>
 *   <li>{@code WRONG_HOST}: SSL, with a broker certificate signed by the CA for another host name.</li>
 * </ul>
 * Every password is random per run, so that a test can look for it in the log.
 */
public final class SecuredKafka {

    public static final String TLS = "TLS";
    public static final String MTLS = "MTLS";
    public static final String SASL = "SASL";
    public static final String KERBEROS = "KERBEROS";
    public static final String EXPIRED = "EXPIRED";
    public static final String WRONG_HOST = "WRONG_HOST";
    public static final String REALM = "EXAMPLE.COM";
    public static final String SCRAM_USER = "eventgate-scram";
    public static final String PLAIN_USER = "eventgate-plain";
    public static final String KERBEROS_CLIENT = "eventgate@" + REALM;
    public static final String TOPIC = "public.cps.za.test";

    private static SecuredKafka instance;

    private final Path dir;
    private final TestPki.Issued ca;
    private final TestPki.Issued client;
    private final String scramPassword = "scram-" + UUID.randomUUID();
    private final String plainPassword = "plain-" + UUID.randomUUID();
    private final String storePassword = "store-" + UUID.randomUUID();
    private final Path truststore;
    private final Path clientKeystore;
    private final Path clientKeytab;
    private final Path krb5Conf;
    private final EmbeddedKafka kafka;

    private SecuredKafka() throws IOException, KrbException {
        dir = Files.createTempDirectory("secured-kafka-");
        dir.toFile().deleteOnExit();
        ca = TestPki.ca("EventGate Test CA");
        TestPki.Issued broker = ca.issue("localhost", true);
        client = ca.issue("eventgate", false);
        Path brokerKeystore = broker.keystore(dir.resolve("broker.p12"), "PKCS12", storePassword);
        Instant now = Instant.now();
        Path expiredKeystore = ca.issue("localhost", true, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)))
                .keystore(dir.resolve("broker-expired.p12"), "PKCS12", storePassword);
        Path otherHostKeystore = ca.issue("kafka.elsewhere.example", true)
                .keystore(dir.resolve("broker-other-host.p12"), "PKCS12", storePassword);
        truststore = ca.truststore(dir.resolve("truststore.p12"), "PKCS12", storePassword);
        clientKeystore = client.keystore(dir.resolve("client.p12"), "PKCS12", storePassword);

        Path brokerKeytab = dir.resolve("kafka.keytab");
        clientKeytab = dir.resolve("eventgate.keytab");
        krb5Conf = startKdc(brokerKeytab);

        Map<String, Object> p = new HashMap<>();
        p.put("ssl.keystore.type", "PKCS12");
        p.put("ssl.keystore.location", brokerKeystore.toString());
        p.put("ssl.keystore.password", storePassword);
        p.put("listener.name.mtls.ssl.client.auth", "required");
        p.put("listener.name.mtls.ssl.truststore.type", "PKCS12");
        p.put("listener.name.mtls.ssl.truststore.location", truststore.toString());
        p.put("listener.name.mtls.ssl.truststore.password", storePassword);
        p.put("listener.name.expired.ssl.keystore.location", expiredKeystore.toString());
        p.put("listener.name.wrong_host.ssl.keystore.location", otherHostKeystore.toString());
        p.put("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
        p.put("listener.name.sasl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.sasl.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("listener.name.sasl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " user_" + PLAIN_USER + "=\"" + plainPassword + "\";");
        p.put("listener.name.kerberos.sasl.enabled.mechanisms", "GSSAPI");
        p.put("listener.name.kerberos.gssapi.sasl.jaas.config", "com.sun.security.auth.module.Krb5LoginModule required"
                + " useKeyTab=true storeKey=true keyTab=\"" + brokerKeytab + "\" principal=\"kafka/localhost@" + REALM + "\";");
        p.put("sasl.kerberos.service.name", "kafka");
        Map<String, String> listeners = new LinkedHashMap<>();
        listeners.put(TLS, "SSL");
        listeners.put(MTLS, "SSL");
        listeners.put(SASL, "SASL_SSL");
        listeners.put(KERBEROS, "SASL_SSL");
        listeners.put(EXPIRED, "SSL");
        listeners.put(WRONG_HOST, "SSL");
        kafka = EmbeddedKafka.start(new EmbeddedKafka.Listeners(listeners, p,
                List.of("SCRAM-SHA-512=[name=" + SCRAM_USER + ",password=" + scramPassword + "]",
                        "SCRAM-SHA-256=[name=" + SCRAM_USER + ",password=" + scramPassword + "]")));
        kafka.createTopic(TOPIC);
    }

    public static synchronized SecuredKafka get() {
        if (instance == null) {
            try {
                instance = new SecuredKafka();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (KrbException e) {
                throw new IllegalStateException("the test KDC did not start", e);
            }
        }
        return instance;
    }

    /**
     * A KDC on a free port with the broker's service principal and the client's, each exported to
     * a keytab, and a krb5.conf for the JVM (which the broker and EventGate share here).
     */
    private Path startKdc(Path brokerKeytab) throws IOException, KrbException {
        int port = RunningGateway.freePort();
        Path kdcDir = Files.createDirectories(dir.resolve("kdc"));
        SimpleKdcServer kdc = new SimpleKdcServer();
        kdc.setWorkDir(kdcDir.toFile());
        kdc.setKdcHost("localhost");
        kdc.setKdcRealm(REALM);
        kdc.setKdcTcpPort(port);
        kdc.setAllowUdp(false);
        kdc.init();
        kdc.start();
        kdc.createAndExportPrincipals(brokerKeytab.toFile(), "kafka/localhost@" + REALM);
        kdc.createAndExportPrincipals(clientKeytab.toFile(), KERBEROS_CLIENT);
        Path conf = dir.resolve("krb5.conf");
        Files.writeString(conf, """
                [libdefaults]
                    default_realm = %s
                    udp_preference_limit = 1
                    dns_lookup_kdc = false
                    dns_lookup_realm = false
                    default_tkt_enctypes = aes128-cts-hmac-sha1-96
                    default_tgs_enctypes = aes128-cts-hmac-sha1-96
                    permitted_enctypes = aes128-cts-hmac-sha1-96
                [realms]
                    %s = {
                        kdc = localhost:%d
                    }
                """.formatted(REALM, REALM, port));
        System.setProperty("java.security.krb5.conf", conf.toString());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                kdc.stop();
            } catch (KrbException e) {
                // the JVM is going anyway
            }
        }, "test-kdc-shutdown"));
        return conf;
    }

    /** The {@code host:port} of one of the listeners ({@link #TLS}, {@link #MTLS}, {@link #SASL}, {@link #KERBEROS}, ...). */
    public String bootstrap(String listener) {
        return kafka.bootstrapServers(listener);
    }

    /** A folder of this run for a test's own files. */
    public Path dir() {
        return dir;
    }

    public TestPki.Issued ca() {
        return ca;
    }

    /** The client certificate (signed by the CA) and its key. */
    public TestPki.Issued client() {
        return client;
    }

    /** The password of every store: the broker's, {@link #truststore()} and {@link #clientKeystore()}. */
    public String storePassword() {
        return storePassword;
    }

    /** A PKCS12 truststore of the CA. */
    public Path truststore() {
        return truststore;
    }

    /** A PKCS12 keystore of the client certificate. */
    public Path clientKeystore() {
        return clientKeystore;
    }

    public String scramPassword() {
        return scramPassword;
    }

    public String plainPassword() {
        return plainPassword;
    }

    /** A keytab that holds {@link #KERBEROS_CLIENT}. */
    public Path clientKeytab() {
        return clientKeytab;
    }

    public Path krb5Conf() {
        return krb5Conf;
    }

    /** A certificate of the CA for the client that expired yesterday. */
    public TestPki.Issued expiredClient() {
        Instant now = Instant.now();
        return ca.issue("eventgate", false, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)));
    }
}
