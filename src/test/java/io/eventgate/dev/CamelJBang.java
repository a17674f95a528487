package io.eventgate.dev;

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/**
 * Camel JBang's {@code camel} command, in this project: {@code camel-jbang-core} has no {@code main()}
 * of its own (README, "Camel JBang"). For example
 * {@code mvn -B test-compile exec:java -Dexec.mainClass=io.eventgate.dev.CamelJBang -Dexec.args="run routes/*.yaml application.properties"}.
 */
public final class CamelJBang {

    private CamelJBang() {
    }

    public static void main(String[] args) {
        CamelJBangMain.run(args);
    }
}
