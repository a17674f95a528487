package io.eventgate.testsupport;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs S3Mock in a class loader of its own, inside the test JVM. On the shared test class path it
 * does not start: Spring registers every Jackson module that the class path announces, and the
 * embedded Kafka broker brings {@code jackson-module-scala} 2.16, which refuses the Jackson 2.19 that
 * Camel and Spring use. The own loader sees the same jars without that module and without EventGate's
 * classes (whose {@code application.properties} would hide S3Mock's), and has the JDK's platform
 * loader as parent, so nothing of S3Mock's leaks into the tests' classes. The tests talk to it over
 * HTTP only, so nothing crosses the loaders but a few reflective calls.
 */
final class IsolatedS3Mock {

    private static final String MAIN = "com.adobe.testing.s3mock.S3MockApplication";
    /** Jars S3Mock must not see (see above). */
    private static final List<String> LEFT_OUT = List.of("jackson-module-scala");

    private static ClassLoader loader;

    private IsolatedS3Mock() {
    }

    private static synchronized ClassLoader loader() {
        if (loader == null) {
            List<URL> urls = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                File file = new File(entry);
                if (!file.isFile() || LEFT_OUT.stream().anyMatch(file.getName()::contains)) {
                    continue; // folders are EventGate's own classes
                }
                try {
                    urls.add(file.toURI().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalStateException(e);
                }
            }
            loader = new URLClassLoader("s3mock", urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        }
        return loader;
    }

    /** {@code S3MockApplication.start(properties)}, with S3Mock's loader as the context class loader. */
    static Object start(Map<String, Object> properties) {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        try {
            thread.setContextClassLoader(loader());
            Class<?> main = Class.forName(MAIN, true, loader());
            Method start = main.getMethod("start", Map.class, String[].class);
            return start.invoke(null, properties, new String[0]);
        } catch (ReflectiveOperationException e) {
            throw unwrap(e);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    static int port(Object app) {
        return (int) call(app, "getPort");
    }

    static int httpPort(Object app) {
        return (int) call(app, "getHttpPort");
    }

    static void stop(Object app) {
        call(app, "stop");
    }

    private static Object call(Object app, String method) {
        try {
            return app.getClass().getMethod(method).invoke(app);
        } catch (ReflectiveOperationException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(ReflectiveOperationException e) {
        Throwable cause = e instanceof InvocationTargetException target ? target.getCause() : e;
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException("S3Mock: " + cause, cause);
    }
}
