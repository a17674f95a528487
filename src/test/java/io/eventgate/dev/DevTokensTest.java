package io.eventgate.dev;

import io.eventgate.auth.PublicKeyLoader;
import io.jsonwebtoken.Jwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The dev run's key is kept between runs: a token printed by one run (a pasted curl) is accepted by
 * the next, whose keys document is at the same place.
 */
class DevTokensTest {

    @TempDir
    Path folder;

    private static List<PublicKey> keysAt(String url) {
        return PublicKeyLoader.load(null, url, new PublicKeyLoader.Limits(Duration.ofSeconds(5), 65536, false));
    }

    @Test
    void aTokenFromAnEarlierRunIsAcceptedByTheNext() {
        DevTokens first = DevTokens.persistent(folder);
        String pasted = first.token("TestUser", Duration.ofHours(8));

        DevTokens next = DevTokens.persistent(folder); // as the next run reads it
        assertEquals(first.keysUrl(), next.keysUrl());
        List<PublicKey> keys = keysAt(next.keysUrl());
        assertEquals(List.of(first.keyPair().getPublic()), keys);
        assertEquals("TestUser", Jwts.parser().verifyWith(keys.get(0)).build()
                .parseSignedClaims(pasted).getPayload().getSubject());
    }

    @Test
    void thePrivateKeyIsTheOwnersOnlyAndABrokenOneIsReplaced() throws Exception {
        DevTokens first = DevTokens.persistent(folder);
        Path privateKey = folder.resolve(DevTokens.PRIVATE_KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)));

        Files.writeString(privateKey, "not a key");
        DevTokens replaced = DevTokens.persistent(folder);
        assertNotEquals(first.keyPair().getPublic(), replaced.keyPair().getPublic());
        assertEquals(List.of(replaced.keyPair().getPublic()), keysAt(replaced.keysUrl()));
    }

    @Test
    void theDevRunKeepsItsKeyUnderTarget() {
        assertEquals(Path.of("target", "dev").toAbsolutePath(), DevRun.devDir());
    }
}
