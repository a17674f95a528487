package io.eventgate.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every relative link in the repository's Markdown files leads to a file or folder inside the
 * repository (a fresh clone has nothing beside it), and a link to a heading ({@code file.md#anchor},
 * {@code #anchor}) names a heading that the file has, as GitHub makes its anchors. Links to
 * {@code http(s):} and {@code mailto:} addresses are not followed.
 */
class MarkdownLinksTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    /** Build output and tool folders: not part of the repository. */
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".camel-jbang", "node_modules", ".terraform", ".idea");
    /** {@code [text](target)} and {@code ![alt](target)}, with an optional title after the target. */
    private static final Pattern LINK = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*])*]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    /** {@code [label]: target} reference definitions. */
    private static final Pattern REFERENCE = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+]:\\s*<?(\\S+?)>?(?:\\s+.*)?$");
    private static final Pattern FENCE = Pattern.compile("(?ms)^ {0,3}(```|~~~).*?^ {0,3}\\1[^\\n]*$");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1", Pattern.DOTALL);
    private static final Pattern HEADING = Pattern.compile("(?m)^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern EXTERNAL = Pattern.compile("(?i)^(https?|mailto|ftp):.*");

    @Test
    void everyRelativeLinkResolvesInsideTheRepository() {
        List<Path> documents = markdownFiles();
        assertTrue(documents.contains(ROOT.resolve("README.md")), "run from the project folder");
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path document : documents) {
            for (String target : links(read(document))) {
                checked++;
                String problem = problem(document, target);
                if (problem != null) {
                    broken.add(ROOT.relativize(document) + ": (" + target + ") " + problem);
                }
            }
        }
        assertTrue(checked > 10, "links found: " + checked);
        assertEquals(List.of(), broken);
    }

    @Test
    void theReadmeLinksTheContractInTheRepository() {
        assertTrue(links(read(ROOT.resolve("README.md"))).contains("docs/CONTRACT.md"));
        assertTrue(Files.isRegularFile(ROOT.resolve("docs/CONTRACT.md")));
    }

    @Test
    void linksOutsideTheRepositoryAndToMissingHeadingsAreFound() throws IOException {
        Path doc = ROOT.resolve("README.md");
        assertEquals("leads outside the repository", problem(doc, "../shared/reference/BEHAVIOUR.md"));
        assertEquals("leads outside the repository", problem(doc, "/etc/passwd"));
        assertEquals("no such file or folder", problem(doc, "docs/NOPE.md"));
        assertEquals("no heading for #no-such-heading", problem(doc, "docs/CONTRACT.md#no-such-heading"));
        assertEquals(null, problem(doc, "docs/CONTRACT.md#publishing-an-event"));
        assertEquals(null, problem(doc, "#running-on-aws-lambda"));
        assertEquals(null, problem(doc, "https://example.com/x"));
        assertEquals(List.of("a.md", "b.md#x"), links("[a](a.md) `[c](c.md)` ![b](b.md#x \"t\")\n```\n[d](d.md)\n```\n"));
        assertEquals(Set.of("a-b_c", "with-code", "dup", "dup-1"),
                anchors("# A b_c\n## With `code`!\n### Dup\n### Dup\n"));
    }

    /** Why {@code target}, linked from {@code document}, does not resolve; null when it does. */
    private static String problem(Path document, String target) {
        if (EXTERNAL.matcher(target).matches()) {
            return null;
        }
        int hash = target.indexOf('#');
        String pathPart = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        int query = pathPart.indexOf('?');
        if (query >= 0) {
            pathPart = pathPart.substring(0, query);
        }
        Path resolved;
        if (pathPart.isEmpty()) {
            resolved = document;
        } else {
            String decoded = URLDecoder.decode(pathPart.replace("+", "%2B"), StandardCharsets.UTF_8);
            if (decoded.startsWith("/") || decoded.contains(":")) {
                return "leads outside the repository";
            }
            resolved = document.getParent().resolve(decoded).normalize();
            if (!resolved.startsWith(ROOT)) {
                return "leads outside the repository";
            }
            if (!Files.exists(resolved)) {
                return "no such file or folder";
            }
        }
        if (anchor != null && !anchor.isEmpty() && resolved.toString().endsWith(".md")
                && !anchors(read(resolved)).contains(anchor.toLowerCase(Locale.ROOT))) {
            return "no heading for #" + anchor;
        }
        return null;
    }

    private static List<String> links(String markdown) {
        String text = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> found = new ArrayList<>();
        for (Pattern pattern : List.of(LINK, REFERENCE)) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return found;
    }

    /** The anchors GitHub gives the headings: lower case, punctuation dropped, spaces as "-", repeats numbered. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            String slug = m.group(1).toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "")
                    .replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    private static List<Path> markdownFiles() {
        try (Stream<Path> paths = Files.walk(ROOT)) {
            return paths.filter(p -> ROOT.relativize(p).toString().isEmpty()
                            || !SKIPPED.contains(ROOT.relativize(p).getName(0).toString()))
                    .filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
