package io.eventgate.bench;

import com.google.re2j.Pattern;

/**
 * Time of one field-constraint check on a large value, as {@code io.eventgate.auth.AccessPolicy}
 * makes it (RE2/J, a full match): the pattern of issue 9, {@code .*-.*-app}, against a value of
 * 1 MiB that does not match and one that does. Prints the milliseconds of each of 7 runs.
 * {@code java -cp <test class path> io.eventgate.bench.PatternBench [bytes]}
 */
public final class PatternBench {

    private PatternBench() {
    }

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        Pattern pattern = Pattern.compile(".*-.*-app");
        String miss = "x".repeat(size);
        String hit = "restricted-" + "x".repeat(size - 15) + "-app";
        for (String[] value : new String[][] {{"no match", miss}, {"match", hit}}) {
            StringBuilder line = new StringBuilder(value[0] + ", " + value[1].length() + " characters, ms:");
            for (int i = 0; i < 7; i++) {
                long start = System.nanoTime();
                boolean matched = pattern.matches(value[1]);
                line.append(matched == value[0].equals("match") ? " " : " (wrong) ").append((System.nanoTime() - start) / 1_000_000);
            }
            System.out.println(line);
        }
    }
}
