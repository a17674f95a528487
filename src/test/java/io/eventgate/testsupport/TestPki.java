package io.eventgate.testsupport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority made in the test (BouncyCastle signs, the JDK stores), and the
 * certificates it issues: for a broker ({@code localhost} and {@code 127.0.0.1}) or a client, valid
 * now or expired. EC P-256 keys, which are quick to make. Files are written as Kafka reads them:
 * PKCS12 or JKS stores, or PEM.
 */
public final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {
    }

    /** A key pair and its certificate; the chain is the certificate and its issuer's. */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate[] chain) {

        /** A PKCS12 or JKS keystore with the key and chain under alias {@code key}. */
        public Path keystore(Path file, String type, String password) {
            return store(file, type, password, ks -> ks.setKeyEntry("key", keys.getPrivate(), password.toCharArray(), chain));
        }

        /** A truststore that holds this certificate alone (for a CA: what it signed is trusted). */
        public Path truststore(Path file, String type, String password) {
            return store(file, type, password, ks -> ks.setCertificateEntry("ca", certificate));
        }

        /** This certificate as PEM. */
        public String certificatePem() {
            return pem("CERTIFICATE", der(certificate));
        }

        /** The chain, then the unencrypted PKCS#8 key, as PEM: a Kafka keystore of type PEM. */
        public String keyAndChainPem() {
            StringBuilder pem = new StringBuilder(pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
            for (X509Certificate c : chain) {
                pem.append(pem("CERTIFICATE", der(c)));
            }
            return pem.toString();
        }

        /** Issues a certificate signed by this one (which must be a CA). */
        public Issued issue(String commonName, boolean server, Instant notBefore, Instant notAfter) {
            return TestPki.issue(this, commonName, server, notBefore, notAfter);
        }

        /** Issues a certificate valid from an hour ago for a day. */
        public Issued issue(String commonName, boolean server) {
            Instant now = Instant.now();
            return issue(commonName, server, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
        }
    }

    /** A self-signed CA, valid from an hour ago for a day. */
    public static Issued ca(String commonName) {
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        X509Certificate certificate = sign(new X500Name("CN=" + commonName), keys, keys, new X500Name("CN=" + commonName),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)), true, false);
        return new Issued(keys, certificate, new X509Certificate[] {certificate});
    }

    private static Issued issue(Issued ca, String commonName, boolean server, Instant notBefore, Instant notAfter) {
        KeyPair keys = keyPair();
        X509Certificate certificate = sign(new X500Name(ca.certificate().getSubjectX500Principal().getName()), ca.keys(), keys,
                new X500Name("CN=" + commonName), notBefore, notAfter, false, server);
        return new Issued(keys, certificate, new X509Certificate[] {certificate, ca.certificate()});
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, KeyPair subjectKeys, X500Name subject,
                                        Instant notBefore, Instant notAfter, boolean ca, boolean server) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            if (server) {
                // The common name is the host name; localhost's certificate also names its address.
                String host = subject.getRDNs()[0].getFirst().getValue().toString();
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames("localhost".equals(host)
                        ? new GeneralName[] {new GeneralName(GeneralName.dNSName, host),
                                new GeneralName(GeneralName.iPAddress, "127.0.0.1")}
                        : new GeneralName[] {new GeneralName(GeneralName.dNSName, host)}));
            }
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface StoreFiller {
        void fill(KeyStore store) throws GeneralSecurityException;
    }

    private static Path store(Path file, String type, String password, StoreFiller filler) {
        try {
            KeyStore store = KeyStore.getInstance(type);
            store.load(null, null);
            filler.fill(store);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, password.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] der(Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
