package io.eventgate.auth;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.LocatorAdapter;
import io.jsonwebtoken.PrematureJwtException;
import io.jsonwebtoken.UnsupportedJwtException;
import io.jsonwebtoken.security.SecurityException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.Key;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Verifies RS256 JWTs against the configured public keys. A token passes when any key verifies it
 * (that allows key rotation). Every other algorithm, {@code none} and HS256 included, is refused,
 * as are expired and not-yet-valid tokens (with a small clock skew). Then the claims are checked
 * against the {@link Rules}: a token must carry {@code exp} (unless the rules say otherwise), and
 * its {@code aud} and {@code iss} must match when the rules name them.
 *
 * <p>A refusal says which case applies ({@link Reason}), never which key was tried: the signature
 * is checked before the times and claims, so only a token signed by a configured key learns that it
 * has expired or names the wrong audience.
 *
 * <p>The parsers are built once per key, when the configuration loads. A verified token is
 * remembered with its claims until its {@code exp} (plus the clock skew, as the parser allows),
 * keyed by the exact token string, so that a client that reuses its token pays for the RSA check
 * once. Only a token that passed every check is remembered, and the rules are fixed for the life of
 * the verifier, so a remembered token needs no check but its expiry. The cache is bounded
 * ({@code token_cache_size}); when it is full, expired entries are dropped, and a token that still
 * finds no room is simply verified each time. A token without {@code exp} (when the rules allow one)
 * is never cached. The cache belongs to this verifier, so a reload, which makes a new verifier with
 * the new keys and rules, starts empty.
 *
 * <p>A token whose header names a {@code kid} that none of the keys has, and that no key verifies,
 * may have been signed with a key the provider has just rotated in: {@link #refetchFor} fetches the
 * keys again, rate-limited by a {@link KeyRefetch}, and the caller verifies the token once more.
 */
public final class TokenVerifier {

    public static final String ALGORITHM = "RS256";

    /** The default number of verified tokens remembered. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /**
     * What a token must satisfy besides its signature.
     *
     * @param clockSkewSeconds tolerance for {@code exp} and {@code nbf}
     * @param cacheSize        verified tokens remembered at most
     * @param requireExp       whether a token without {@code exp} is refused
     * @param audience         when not null, {@code aud} must be or contain it
     * @param issuer           when not null, {@code iss} must equal it
     */
    public record Rules(long clockSkewSeconds, int cacheSize, boolean requireExp, String audience, String issuer) {

        /** The defaults: {@code exp} required, no audience or issuer, the default cache size. */
        public static Rules withClockSkew(long clockSkewSeconds) {
            return new Rules(clockSkewSeconds, DEFAULT_CACHE_SIZE, true, null, null);
        }
    }

    /** Why a token is refused, with the message a client is told. */
    public enum Reason {
        MISSING("Token is missing"),
        MALFORMED("Token is malformed"),
        ALGORITHM("Token algorithm is not accepted"),
        NOT_SIGNED("Token is not signed by a configured key"),
        EXPIRED("Token has expired"),
        NOT_YET_VALID("Token is not yet valid"),
        NO_EXPIRY("Token has no expiry"),
        AUDIENCE("Token audience is not accepted"),
        ISSUER("Token issuer is not accepted");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        /** What the client is told: the case, nothing about keys. */
        public String message() {
            return message;
        }
    }

    private record Verified(Claims claims, long validUntilMillis) {
    }

    /**
     * The keys in use: one parser per key, the key ids they name, and which keys these are
     * ({@code version}, one more for each refetch that replaced them; the refetch's {@code sequence},
     * so that an older refetch's keys never replace a newer one's). Replaced whole, in one write, so
     * that the version is never read apart from its keys.
     */
    private record KeySet(List<PublicKeyLoader.Key> keys, List<JwtParser> parsers, Set<String> kids,
                          long version, long sequence) {

        static KeySet of(List<PublicKeyLoader.Key> keys, long clockSkewSeconds, long version, long sequence) {
            return new KeySet(List.copyOf(keys),
                    keys.stream().map(key -> parserFor(key.key(), clockSkewSeconds)).toList(),
                    keys.stream().map(PublicKeyLoader.Key::kid).filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet()),
                    version, sequence);
        }

        boolean sameAs(List<PublicKeyLoader.Key> other) {
            return keys.size() == other.size() && IntStream.range(0, keys.size()).allMatch(i ->
                    Objects.equals(keys.get(i).kid(), other.get(i).kid())
                            && Arrays.equals(keys.get(i).key().getEncoded(), other.get(i).key().getEncoded()));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(TokenVerifier.class);

    private volatile KeySet keys;
    private final KeyRefetch refetch;
    private final Rules rules;
    private final long clockSkewMillis;
    private final int cacheSize;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    /** Lookups served from the cache, and tokens that needed the RSA check (for the metrics). */
    private final LongAdder cacheHits = new LongAdder();
    private final LongAdder cacheMisses = new LongAdder();

    public TokenVerifier(List<PublicKey> keys, long clockSkewSeconds) {
        this(keys, Rules.withClockSkew(clockSkewSeconds));
    }

    public TokenVerifier(List<PublicKey> keys, long clockSkewSeconds, int cacheSize) {
        this(keys, new Rules(clockSkewSeconds, cacheSize, true, null, null));
    }

    public TokenVerifier(List<PublicKey> keys, Rules rules) {
        this(keys.stream().map(key -> new PublicKeyLoader.Key(null, key)).toList(), rules, null);
    }

    /** @param refetch fetches the keys again for a token whose {@code kid} they lack; null: never */
    public TokenVerifier(List<PublicKeyLoader.Key> keys, Rules rules, KeyRefetch refetch) {
        this.keys = KeySet.of(keys, rules.clockSkewSeconds(), 0, 0);
        this.refetch = refetch;
        this.rules = rules;
        this.clockSkewMillis = rules.clockSkewSeconds() * 1000;
        this.cacheSize = Math.max(0, rules.cacheSize());
    }

    private static JwtParser parserFor(PublicKey key, long clockSkewSeconds) {
        return Jwts.parser()
                .keyLocator(new LocatorAdapter<Key>() {
                    @Override
                    protected Key locate(JwsHeader header) {
                        if (!ALGORITHM.equals(header.getAlgorithm())) {
                            throw new InvalidTokenException(Reason.ALGORITHM,
                                    "algorithm " + header.getAlgorithm() + " is not accepted");
                        }
                        return key;
                    }
                })
                .clockSkewSeconds(clockSkewSeconds)
                .build();
    }

    /**
     * @return the verified claims
     * @throws InvalidTokenException when the token is refused, with the {@link Reason}
     */
    public Claims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new InvalidTokenException(Reason.MISSING, "no token");
        }
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.validUntilMillis()) {
                cacheHits.increment();
                return known.claims();
            }
            verified.remove(token, known);
        }
        cacheMisses.increment();
        KeySet used = keys;
        Claims claims = verifySignature(token, used);
        checkClaims(claims);
        remember(token, claims, now);
        if (keys != used) {
            // a refetch put other keys in use meanwhile, and forgot the tokens it knew before this one
            // was remembered: forget it too, in case its key was withdrawn (it is checked again next time)
            verified.remove(token);
        }
        return claims;
    }

    /** Tokens answered from the cache since this verifier was made. */
    public long cacheHits() {
        return cacheHits.sum();
    }

    /** Tokens that were not in the cache (and so had their signature checked) since this verifier was made. */
    public long cacheMisses() {
        return cacheMisses.sum();
    }

    /**
     * Which keys are in use now: a number that changes whenever a refetch puts other keys in use.
     * Read it before {@link #verify}, and give it to {@link #refetchFor} if the token is refused.
     */
    public long keysVersion() {
        return keys.version();
    }

    /**
     * For a token that no key in use verified ({@link Reason#NOT_SIGNED}) when the keys were at
     * {@code checkedWith} ({@link #keysVersion()}): when its header names a {@code kid} that the
     * keys lacked, a refetch of the keys (rate-limited, see {@link KeyRefetch}). The future
     * completes once the refetch is over, with true when other keys are in use than those the token
     * was checked with (the remembered tokens are then forgotten, in case a key was withdrawn): true
     * for every request that waited for the refetch, and for one that was checked just before it
     * swapped the keys in, so each verifies its token again. Null when no refetch applies: refuse
     * the token as it is.
     */
    public CompletableFuture<Boolean> refetchFor(String token, long checkedWith) {
        if (refetch == null) {
            return null;
        }
        String kid = kidOf(token);
        if (kid == null) {
            return null;
        }
        KeySet now = keys;
        if (now.version() != checkedWith) {
            return CompletableFuture.completedFuture(true);
        }
        if (now.kids().contains(kid)) {
            return null;
        }
        CompletableFuture<KeyRefetch.Fetched> fetched = refetch.start();
        if (fetched == null) {
            return null;
        }
        return fetched.thenApply(fresh -> {
            synchronized (this) {
                KeySet current = keys;
                if (fresh.keys() != null && fresh.sequence() > current.sequence()) {
                    if (current.sameAs(fresh.keys())) {
                        // the same keys: in use as they are, but as of this refetch, so that an older one's never come back
                        keys = new KeySet(current.keys(), current.parsers(), current.kids(), current.version(), fresh.sequence());
                    } else {
                        keys = KeySet.of(fresh.keys(), rules.clockSkewSeconds(), current.version() + 1, fresh.sequence());
                        verified.clear();
                        LOG.info("Token keys fetched again for key id {}: {} key(s) in use", kid, fresh.keys().size());
                    }
                }
                return keys.version() != checkedWith;
            }
        });
    }

    /** The {@code kid} of a token's header, read without trusting it; null when there is none. */
    static String kidOf(String token) {
        int dot = token == null ? -1 : token.indexOf('.');
        if (dot <= 0 || dot > 8192) {
            return null;
        }
        try {
            JsonNode kid = JSON.readTree(Base64.getUrlDecoder().decode(token.substring(0, dot))).path("kid");
            return kid.isTextual() ? kid.asText() : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The number of tokens remembered now (tests). */
    int cached() {
        return verified.size();
    }

    private void remember(String token, Claims claims, long now) {
        Date expiry = claims.getExpiration();
        if (expiry == null || cacheSize == 0) {
            return;
        }
        if (verified.size() >= cacheSize) {
            verified.values().removeIf(entry -> entry.validUntilMillis() <= now);
        }
        if (verified.size() < cacheSize) {
            verified.put(token, new Verified(claims, expiry.getTime() + clockSkewMillis));
        }
    }

    /**
     * The signature first, key by key: a key that does not verify it moves on to the next. Any
     * other failure is the same for every key (a malformed token, an algorithm), or comes after this
     * key verified the signature (the times), so it is the answer.
     */
    private Claims verifySignature(String token, KeySet with) {
        String detail = "no configured key";
        for (JwtParser parser : with.parsers()) {
            try {
                return parser.parseSignedClaims(token).getPayload();
            } catch (InvalidTokenException e) {
                throw e;
            } catch (SecurityException e) {
                detail = e.getMessage();
            } catch (ExpiredJwtException e) {
                throw new InvalidTokenException(Reason.EXPIRED, e.getMessage());
            } catch (PrematureJwtException e) {
                throw new InvalidTokenException(Reason.NOT_YET_VALID, e.getMessage());
            } catch (UnsupportedJwtException e) {
                // an unsecured ("alg": "none") or encrypted token, or a signed one without claims
                throw new InvalidTokenException(Reason.ALGORITHM, e.getMessage());
            } catch (JwtException | IllegalArgumentException e) {
                throw new InvalidTokenException(Reason.MALFORMED, e.getMessage());
            }
        }
        throw new InvalidTokenException(Reason.NOT_SIGNED, detail);
    }

    private void checkClaims(Claims claims) {
        if (rules.requireExp() && claims.getExpiration() == null) {
            throw new InvalidTokenException(Reason.NO_EXPIRY, "no exp claim");
        }
        if (rules.audience() != null && !audienceOf(claims).contains(rules.audience())) {
            throw new InvalidTokenException(Reason.AUDIENCE, "aud " + claims.get("aud"));
        }
        if (rules.issuer() != null && !rules.issuer().equals(claims.get("iss"))) {
            throw new InvalidTokenException(Reason.ISSUER, "iss " + claims.get("iss"));
        }
    }

    private static Set<String> audienceOf(Claims claims) {
        try {
            Set<String> audience = claims.getAudience();
            return audience == null ? Set.of() : audience;
        } catch (JwtException | IllegalArgumentException e) {
            return Set.of();
        }
    }

    /** A refused token: the {@link Reason} for the client, the message for the log. */
    public static final class InvalidTokenException extends JwtException {

        private final Reason reason;

        public InvalidTokenException(Reason reason, String detail) {
            super(reason.message() + ": " + detail);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }
}
