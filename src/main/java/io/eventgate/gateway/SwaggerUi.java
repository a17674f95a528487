package io.eventgate.gateway;

import org.apache.camel.Exchange;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves Swagger UI for {@code /api} from the {@code org.webjars:swagger-ui} jar, so {@code /docs}
 * works offline. The page uses relative links ({@code docs/...} and {@code api}, or from
 * {@code /docs/}: {@code ...} and {@code ../api}), so it also works under an API Gateway stage prefix.
 */
public final class SwaggerUi {

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    private static final Map<String, String> ASSETS = Map.of(
            "swagger-ui.css", "text/css; charset=utf-8",
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
            "favicon-32x32.png", "image/png",
            "favicon-16x16.png", "image/png");

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="UTF-8">
              <title>EventGate API</title>
              <link rel="stylesheet" type="text/css" href="{assets}swagger-ui.css">
              <link rel="icon" type="image/png" href="{assets}favicon-32x32.png" sizes="32x32">
            </head>
            <body>
              <div id="swagger-ui"></div>
              <script src="{assets}swagger-ui-bundle.js" charset="UTF-8"></script>
              <script src="{assets}swagger-ui-standalone-preset.js" charset="UTF-8"></script>
              <script>
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "{api}",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                    layout: "StandaloneLayout"
                  });
                };
              </script>
            </body>
            </html>
            """;

    private final String root = WEBJAR + webjarVersion() + "/";
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    public void page(Exchange exchange) {
        boolean fromFolder = exchange.getProperty(Exchanges.PATH, "", String.class).endsWith("/");
        String page = PAGE.replace("{assets}", fromFolder ? "" : "docs/").replace("{api}", fromFolder ? "../api" : "api");
        Responses.write(exchange, 200, "text/html; charset=utf-8", page);
    }

    public void asset(Exchange exchange) {
        String name = exchange.getProperty(RequestRouter.ASSET, String.class);
        String contentType = ASSETS.get(name);
        byte[] content = contentType == null ? null : cache.computeIfAbsent(name, this::load);
        if (content == null) {
            throw new GatewayException(404, "route", "Resource not found");
        }
        Responses.write(exchange, 200, contentType, content);
    }

    private byte[] load(String name) {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(root + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    private static String webjarVersion() {
        Properties pom = new Properties();
        try (InputStream in = SwaggerUi.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
            }
            pom.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the swagger-ui webjar", e);
        }
        return pom.getProperty("version");
    }
}
