package io.eventgate.dev;

import io.jsonwebtoken.JwtBuilder;
import io.jsonwebtoken.Jwts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * An RSA signing key for the dev run and the tests: it signs RS256 tokens and publishes its public
 * key as a {@code token_public_keys_url} document ({@code {"keys": [{"key": ...}]}}) in a file.
 * {@link #create()} makes a throw-away one (tests); {@link #persistent(Path)} keeps one in a folder
 * (the dev run's is {@code target/dev/}), so that a token printed by one dev run is still accepted by
 * the next, until {@code mvn clean}.
 *
 * <p>As a program it prints a token for the dev key, for trying {@code java -jar} without a token
 * provider: {@code mvn -q test-compile exec:java -Dexec.mainClass=io.eventgate.dev.DevTokens
 * -Dexec.args="TestUser"} (the subject, default {@code TestUser}; then the hours it is valid, default 8);
 * it also writes it to {@code target/dev/token}.
 */
public final class DevTokens {

    private final KeyPair keyPair;
    private final Path keysFile;

    private DevTokens(KeyPair keyPair, Path keysFile) {
        this.keyPair = keyPair;
        this.keysFile = keysFile;
    }

    public static DevTokens create() {
        KeyPair keyPair = newKeyPair();
        try {
            Path file = Files.createTempFile("eventgate-dev-keys", ".json");
            file.toFile().deleteOnExit();
            Files.writeString(file, keysDocument(keyPair), StandardCharsets.UTF_8);
            return new DevTokens(keyPair, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file that holds the private key in a {@link #persistent} folder (PKCS#8, base64; owner-only). */
    public static final String PRIVATE_KEY_FILE = "dev-signing-key.pk8";
    /** The {@code token_public_keys_url} document in a {@link #persistent} folder. */
    public static final String KEYS_FILE = "keys.json";

    /**
     * The key kept in {@code folder}: read when it is there, else made and written (the private key
     * readable by its owner only). {@link #keysUrl()} is then {@code folder/keys.json}, the same every time.
     */
    public static synchronized DevTokens persistent(Path folder) {
        try {
            Files.createDirectories(folder);
            Path privateFile = folder.resolve(PRIVATE_KEY_FILE);
            Path keysFile = folder.resolve(KEYS_FILE).toAbsolutePath();
            KeyPair keyPair = Files.exists(privateFile) ? readKeyPair(privateFile) : null;
            if (keyPair == null) {
                keyPair = newKeyPair();
                writeAtomically(privateFile, Base64.getMimeEncoder().encodeToString(keyPair.getPrivate().getEncoded()) + "\n", true);
            }
            String document = keysDocument(keyPair);
            if (!Files.exists(keysFile) || !Files.readString(keysFile, StandardCharsets.UTF_8).equals(document)) {
                writeAtomically(keysFile, document, false);
            }
            return new DevTokens(keyPair, keysFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key pair of a PKCS#8 RSA private key file, or null when the file is not one (it is then replaced). */
    private static KeyPair readKeyPair(Path file) throws IOException {
        try {
            byte[] der = Base64.getMimeDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).strip());
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
            if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
                return null;
            }
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new KeyPair(publicKey, privateKey);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return null;
        }
    }

    /** Written beside, then moved in place: two runs starting at once never read half a file. */
    private static void writeAtomically(Path file, String text, boolean ownerOnly) throws IOException {
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            if (ownerOnly && temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(temp, text, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The file in the dev folder that {@link #main} writes the token to (Maven's output is no place to cut it from). */
    public static final String TOKEN_FILE = "token";

    /** Prints a token signed by the dev run's key, and writes it to {@code target/dev/token} (see the class comment). */
    public static void main(String[] args) throws IOException {
        String subject = args.length > 0 ? args[0] : "TestUser";
        long hours = args.length > 1 ? Long.parseLong(args[1]) : 8;
        DevTokens tokens = persistent(DevRun.devDir());
        String token = tokens.token(subject, Duration.ofHours(hours));
        writeAtomically(DevRun.devDir().resolve(TOKEN_FILE), token + "\n", true);
        System.out.println("A token for " + subject + " (valid " + hours + " h), also in "
                + DevRun.devDir().resolve(TOKEN_FILE) + ":");
        System.out.println(token);
        System.out.println("EventGate accepts it with EVENTGATE_TOKEN_PUBLIC_KEYS_URL=" + tokens.keysUrl());
    }

    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"keys": [{"key": "<base64 DER>"}]}} for the given key pair. */
    public static String keysDocument(KeyPair keyPair) {
        return "{\"keys\": [{\"key\": \"" + base64(keyPair) + "\"}]}";
    }

    /** {@code {"key": "<base64 DER>"}} for the given key pair. */
    public static String keyDocument(KeyPair keyPair) {
        return "{\"key\": \"" + base64(keyPair) + "\"}";
    }

    private static String base64(KeyPair keyPair) {
        return Base64.getEncoder().encodeToString(keyPair.getPublic().getEncoded());
    }

    /** The {@code file:} URL to use as {@code token_public_keys_url}. */
    public String keysUrl() {
        return keysFile.toUri().toString();
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** A valid RS256 token for {@code subject}, good for the given time. */
    public String token(String subject, Duration validFor) {
        return claims(subject).expiration(Date.from(Instant.now().plus(validFor))).compact();
    }

    /**
     * A token for {@code subject}, issued now and signed RS256 with this key, to be completed by the
     * caller: no {@code exp} yet (add one, or test a token without), no {@code aud} or {@code iss}.
     */
    public JwtBuilder claims(String subject) {
        return Jwts.builder()
                .subject(subject)
                .issuedAt(new Date())
                .signWith(keyPair.getPrivate(), Jwts.SIG.RS256);
    }
}
