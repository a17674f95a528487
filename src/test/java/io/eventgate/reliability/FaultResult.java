package io.eventgate.reliability;

import io.eventgate.reliability.Traffic.Outcome;
import io.eventgate.reliability.Traffic.Phase;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One fault run: what the clients were answered, what each sink holds afterwards, and the same
 * after one client retry of every event not answered 202. Renders itself as Markdown.
 */
final class FaultResult {

    /** Milliseconds from the start of the traffic. */
    record Timeline(long injectStart, long injectDone, long healStart, long healDone, long trafficEnd) {
    }

    private final String title;
    private final String fault;
    private final Timeline timeline;
    private final List<Outcome> outcomes;
    private final Map<String, Map<String, Integer>> sinks;
    private final List<Outcome> retries;
    private final Map<String, Map<String, Integer>> sinksAfterRetry;

    FaultResult(String title, String fault, Timeline timeline, List<Outcome> outcomes,
                Map<String, Map<String, Integer>> sinks, List<Outcome> retries,
                Map<String, Map<String, Integer>> sinksAfterRetry) {
        this.title = title;
        this.fault = fault;
        this.timeline = timeline;
        this.outcomes = List.copyOf(outcomes);
        this.sinks = sinks;
        this.retries = List.copyOf(retries);
        this.sinksAfterRetry = sinksAfterRetry;
    }

    String title() {
        return title;
    }

    long sent() {
        return outcomes.size();
    }

    long accepted() {
        return count(outcomes, Outcome::accepted);
    }

    long failed() {
        return count(outcomes, Outcome::failed);
    }

    long other() {
        return sent() - accepted() - failed();
    }

    /** Events answered 202 that some sink does not hold, each as "id: missing from a, b". */
    List<String> acceptedButMissing() {
        return acceptedButMissing(outcomes, sinks);
    }

    /** The same for the events whose retry was answered 202, after the retry. */
    List<String> retryAcceptedButMissing() {
        return acceptedButMissing(retries, sinksAfterRetry);
    }

    private static List<String> acceptedButMissing(List<Outcome> events, Map<String, Map<String, Integer>> sinks) {
        List<String> missing = new ArrayList<>();
        for (Outcome event : events) {
            if (event.accepted()) {
                Set<String> absent = absentFrom(event.eventId(), sinks);
                if (!absent.isEmpty()) {
                    missing.add(event.eventId() + " (" + event.phase() + "): missing from " + String.join(", ", absent));
                }
            }
        }
        return missing;
    }

    /** Events answered 500 that at least one sink holds. */
    long failedButLanded() {
        return count(outcomes, e -> e.failed() && holders(e.eventId(), sinks).size() > 0);
    }

    private static Set<String> holders(String id, Map<String, Map<String, Integer>> sinks) {
        Set<String> holders = new TreeSet<>();
        sinks.forEach((sink, contents) -> {
            if (contents.getOrDefault(id, 0) > 0) {
                holders.add(sink);
            }
        });
        return holders;
    }

    private static Set<String> absentFrom(String id, Map<String, Map<String, Integer>> sinks) {
        Set<String> absent = new TreeSet<>(sinks.keySet());
        absent.removeAll(holders(id, sinks));
        return absent;
    }

    private static long count(List<Outcome> events, Predicate<Outcome> which) {
        return events.stream().filter(which).count();
    }

    /** One row of the summary table. */
    String summaryRow() {
        StringBuilder row = new StringBuilder("| " + title + " | " + n(sent()) + " | " + n(accepted()) + " | "
                + n(failed()) + " | " + n(other()) + " | ");
        for (String sink : sinks.keySet()) {
            row.append(n(count(outcomes, e -> sinks.get(sink).getOrDefault(e.eventId(), 0) > 0))).append(" | ");
        }
        row.append("**").append(n(acceptedButMissing().size())).append("** | ")
                .append(n(failedButLanded())).append(" | ")
                .append(n(count(outcomes, e -> e.failed() && absentFrom(e.eventId(), sinks).isEmpty()))).append(" |");
        return row.toString();
    }

    static String summaryHeader(Set<String> sinkNames) {
        StringBuilder head = new StringBuilder("| fault | sent | 202 | 500 | other | ");
        StringBuilder rule = new StringBuilder("| --- | ---: | ---: | ---: | ---: | ");
        for (String sink : sinkNames) {
            head.append("in ").append(sink).append(" | ");
            rule.append("---: | ");
        }
        head.append("202 but missing | 500 but in some sink | 500 but in every sink |");
        rule.append("---: | ---: | ---: |");
        return head + "\n" + rule;
    }

    Set<String> sinkNames() {
        return sinks.keySet();
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(title).append("\n\n");
        md.append(fault).append(String.format(Locale.ROOT,
                " Traffic started at 0 s; fault injected at %.1f s (done at %.1f s), healed from %.1f s (done at %.1f s);"
                        + " traffic stopped at %.1f s.%n%n",
                s(timeline.injectStart()), s(timeline.injectDone()), s(timeline.healStart()), s(timeline.healDone()),
                s(timeline.trafficEnd())));

        md.append("| answer | events |");
        sinks.keySet().forEach(sink -> md.append(" in ").append(sink).append(" |"));
        md.append(" in every sink | in no sink |\n| --- | ---: |");
        sinks.keySet().forEach(sink -> md.append(" ---: |"));
        md.append(" ---: | ---: |\n");
        row(md, "202", outcomes, Outcome::accepted, sinks);
        row(md, "500", outcomes, Outcome::failed, sinks);
        row(md, "other (no answer, other status)", outcomes, e -> !e.accepted() && !e.failed(), sinks);
        row(md, "**all sent**", outcomes, e -> true, sinks);
        md.append('\n');

        List<String> missing = acceptedButMissing();
        md.append("- **Answered 202 but missing from a sink: ").append(missing.size()).append(".**");
        missing.stream().limit(10).forEach(m -> md.append("\n  - ").append(m));
        md.append('\n');
        md.append("- Answered 500 but held by some sink: ").append(n(failedButLanded())).append(" of ")
                .append(n(failed())).append(".\n");
        Map<String, Long> breakdown = new TreeMap<>();
        for (Outcome event : outcomes) {
            if (!event.accepted()) {
                String key = (event.failed() ? "500" : event.status() == Traffic.NO_ANSWER ? "no answer" : event.status())
                        + " | " + (event.failedSinks().isEmpty() ? "-" : String.join(", ", event.failedSinks()))
                        + " | " + orNone(holders(event.eventId(), sinks));
                breakdown.merge(key, 1L, Long::sum);
            }
        }
        if (!breakdown.isEmpty()) {
            md.append("\n  | answer | sinks that reported an error | sinks that hold the event | events |\n"
                    + "  | --- | --- | --- | ---: |\n");
            breakdown.forEach((key, n) -> md.append("  | ").append(key).append(" | ").append(n(n)).append(" |\n"));
            md.append('\n');
            Map<String, Long> reasons = new TreeMap<>();
            for (Outcome event : outcomes) {
                if (!event.accepted()) {
                    reasons.merge(reason(event), 1L, Long::sum);
                }
            }
            md.append("  Reasons given (first error message, ids and numbers blurred):\n\n");
            reasons.forEach((reason, n) -> md.append("  - ").append(n(n)).append(" × ").append(reason).append('\n'));
        }
        md.append("- By the phase in which the event was sent:");
        for (Phase phase : List.of(Phase.BEFORE, Phase.FAULT, Phase.AFTER)) {
            List<Outcome> in = outcomes.stream().filter(e -> e.phase() == phase).toList();
            md.append(String.format(Locale.ROOT, " %s %s sent (%s × 202, %s × 500, %s other)%s",
                    phase.name().toLowerCase(Locale.ROOT), n(in.size()), n(count(in, Outcome::accepted)),
                    n(count(in, Outcome::failed)), n(count(in, e -> !e.accepted() && !e.failed())),
                    phase == Phase.AFTER ? "." : ";"));
        }
        md.append('\n');
        md.append("- Held more than once: ").append(duplicates(sinks)).append(".\n");

        long retried = retries.size();
        List<String> retryMissing = retryAcceptedButMissing();
        long everywhere = count(outcomes, e -> absentFrom(e.eventId(), sinksAfterRetry).isEmpty());
        md.append("- One client retry of each event not answered 202 (same body, same event_id), after the fault: ")
                .append(n(retried)).append(" retried, ").append(n(count(retries, Outcome::accepted))).append(" × 202, ")
                .append(n(count(retries, Outcome::failed))).append(" × 500, ")
                .append(n(count(retries, e -> !e.accepted() && !e.failed()))).append(" other; retried and 202 but missing: **")
                .append(retryMissing.size()).append("**. Afterwards ").append(n(everywhere)).append(" of ")
                .append(n(sent())).append(" sent events are in every sink; held more than once: ")
                .append(duplicates(sinksAfterRetry)).append(".\n");
        retryMissing.stream().limit(10).forEach(m -> md.append("  - ").append(m).append('\n'));
        return md.toString();
    }

    private void row(StringBuilder md, String label, List<Outcome> events, Predicate<Outcome> which,
                     Map<String, Map<String, Integer>> contents) {
        List<Outcome> selected = events.stream().filter(which).toList();
        md.append("| ").append(label).append(" | ").append(n(selected.size())).append(" |");
        for (String sink : contents.keySet()) {
            md.append(' ').append(n(count(selected, e -> contents.get(sink).getOrDefault(e.eventId(), 0) > 0))).append(" |");
        }
        md.append(' ').append(n(count(selected, e -> absentFrom(e.eventId(), contents).isEmpty()))).append(" |");
        md.append(' ').append(n(count(selected, e -> holders(e.eventId(), contents).isEmpty()))).append(" |\n");
    }

    private String duplicates(Map<String, Map<String, Integer>> contents) {
        List<String> parts = new ArrayList<>();
        contents.forEach((sink, held) -> {
            long twice = count(outcomes, e -> held.getOrDefault(e.eventId(), 0) > 1);
            if (twice > 0) {
                parts.add(sink + " " + n(twice) + " events");
            }
        });
        return parts.isEmpty() ? "no event, in any sink" : String.join(", ", parts);
    }

    private static String reason(Outcome event) {
        if (event.status() == Traffic.NO_ANSWER) {
            return "no answer: " + event.answer();
        }
        String answer = event.answer() == null ? "" : event.answer();
        int at = answer.indexOf("\"message\"");
        String text = at < 0 ? answer : answer.substring(at);
        text = text.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>").replaceAll("\\d+", "N");
        if (text.length() > 160) {
            text = text.substring(0, 160) + "…";
        }
        return "`" + event.status() + " " + String.join("+", event.failedSinks()) + ": "
                + text.replace("`", "'").replace("|", "/") + "`";
    }

    private static String orNone(Set<String> sinks) {
        return sinks.isEmpty() ? "none" : String.join(", ", sinks);
    }

    private static double s(long millis) {
        return millis / 1000.0;
    }

    static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** The events of these outcomes, as ids. */
    static Set<String> ids(List<Outcome> outcomes) {
        return outcomes.stream().map(Outcome::eventId).collect(Collectors.toSet());
    }
}
