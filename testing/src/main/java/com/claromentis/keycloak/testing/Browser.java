package com.claromentis.keycloak.testing;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without JavaScript over real HTTP: redirects followed by hand, forms read from the HTML, and a cookie
 * jar per origin.
 *
 * <p>The jar is kept by hand because Keycloak's cookies are Secure/SameSite=None, which
 * {@code java.net.CookieManager} will not send over plain loopback HTTP; a real browser treats localhost as a
 * secure context and does.
 */
public final class Browser {

    private static final Pattern FORM = Pattern.compile("<form([^>]*)>(.*?)</form>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<(?:input|button)([^>]*)>", Pattern.DOTALL | Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)=\"([^\"]*)\"");
    private static final Pattern ERROR_TEXT = Pattern.compile(
            "(?:id=\"input-error[^\"]*\"|class=\"[^\"]*(?:pf-m-error|alert-error|kc-feedback-text|pf-v5-c-alert__title|pf-v5-c-helper-text__item-text)[^\"]*\")[^>]*>\\s*(?:<[^>]+>\\s*)*([^<]+?)\\s*<",
            Pattern.DOTALL);
    private static final Pattern ERROR_PAGE = Pattern.compile("id=\"kc-error-message\"[^>]*>\\s*<p[^>]*>([^<]+)</p>",
            Pattern.DOTALL);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, Map<String, String>> cookiesByOrigin = new ConcurrentHashMap<>();
    /** The SPNEGO token this browser's user answers a Negotiate challenge with (null: no Kerberos ticket). */
    private volatile java.util.function.Supplier<String> negotiate;

    /**
     * Answers {@code 401 WWW-Authenticate: Negotiate} as a browser whose user holds a Kerberos ticket does: the same
     * request again, with {@code Authorization: Negotiate <token>}. A supplier answering null has no ticket.
     */
    public void negotiate(java.util.function.Supplier<String> token) {
        this.negotiate = token;
    }

    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET().build());
    }

    public HttpResponse<String> post(URI uri, Map<String, String> fields) {
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(fields)))
                .build());
    }

    /** Follows redirects from {@code response} until a page, or a redirect to {@code stopAt}, is reached. */
    public HttpResponse<String> follow(HttpResponse<String> response, String stopAt, List<URI> visited) {
        HttpResponse<String> current = response;
        for (int hop = 0; hop < 20; hop++) {
            int status = current.statusCode();
            Optional<String> location = current.headers().firstValue("Location");
            if (status < 300 || status >= 400 || location.isEmpty()) {
                return current;
            }
            URI target = current.uri().resolve(location.get());
            visited.add(target);
            if (stopAt != null && target.toString().startsWith(stopAt)) {
                return current;
            }
            current = get(target);
        }
        throw new IllegalStateException("More than 20 redirects, last at " + current.uri());
    }

    /** The forms of a page, with their action resolved against the page's URL. */
    public static List<Form> forms(HttpResponse<String> page) {
        List<Form> forms = new ArrayList<>();
        Matcher form = FORM.matcher(page.body() == null ? "" : page.body());
        while (form.find()) {
            Map<String, String> attributes = attributes(form.group(1));
            Map<String, String> inputs = new LinkedHashMap<>();
            Matcher input = INPUT.matcher(form.group(2));
            while (input.find()) {
                Map<String, String> field = attributes(input.group(1));
                String name = field.get("name");
                if (name != null && !"submit".equals(field.get("type")) && !input.group(0).startsWith("<button")) {
                    inputs.put(name, field.getOrDefault("value", ""));
                }
            }
            String action = attributes.get("action");
            forms.add(new Form(attributes.getOrDefault("id", ""), resolve(page.uri(), action), inputs));
        }
        return forms;
    }

    /**
     * A form's action resolved against its page. {@code URI.resolve} follows RFC 2396, which turns a query-only
     * action ({@code action="?"}, as SimpleSAMLphp's login form has) into the page's folder; RFC 3986 and browsers
     * keep the page's path.
     */
    static URI resolve(URI page, String action) {
        if (action == null) {
            return page;
        }
        if (action.startsWith("?")) {
            String base = page.toString();
            int query = base.indexOf('?');
            return URI.create((query < 0 ? base : base.substring(0, query)) + action);
        }
        return page.resolve(action);
    }

    /** The sentence of Keycloak's error page (the one without a form: "We are sorry..."), or empty. */
    public static String errorPageMessage(String html) {
        Matcher matcher = ERROR_PAGE.matcher(html == null ? "" : html);
        return matcher.find() ? unescape(matcher.group(1).trim()) : "";
    }

    /** The first error message Keycloak's login theme shows on a page. */
    public static String errorText(String html) {
        Matcher matcher = ERROR_TEXT.matcher(html == null ? "" : html);
        return matcher.find() ? unescape(matcher.group(1).trim()) : "(no error text on the page)";
    }

    public static String encode(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    public static Map<String, String> query(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    static String unescape(String html) {
        return html.replace("&amp;", "&").replace("&#61;", "=").replace("&quot;", "\"").replace("&#39;", "'");
    }

    static String randomToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static JsonNode json(String body) {
        try {
            return JsonSerialization.mapper.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable JSON answer", e);
        }
    }

    private static Map<String, String> attributes(String tag) {
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher attribute = ATTRIBUTE.matcher(tag);
        while (attribute.find()) {
            attributes.put(attribute.group(1).toLowerCase(Locale.ROOT), unescape(attribute.group(2)));
        }
        return attributes;
    }

    private HttpResponse<String> send(HttpRequest request) {
        Map<String, String> jar = cookiesByOrigin.computeIfAbsent(origin(request.uri()), o -> new ConcurrentHashMap<>());
        String path = request.uri().getPath() == null || request.uri().getPath().isEmpty() ? "/" : request.uri().getPath();
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true)
                    .timeout(Duration.ofSeconds(60));
            // Two realms on one server set cookies of the same name on different paths: send only the ones whose
            // path covers the request, as a browser does.
            String cookies = jar.entrySet().stream()
                    .filter(c -> path.startsWith(c.getKey().substring(c.getKey().indexOf('|') + 1)))
                    .map(c -> c.getKey().substring(0, c.getKey().indexOf('|')) + "=" + c.getValue())
                    .collect(Collectors.joining("; "));
            if (!cookies.isEmpty()) {
                builder.header("Cookie", cookies);
            }
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            java.util.function.Supplier<String> kerberos = negotiate;
            if (kerberos != null && response.statusCode() == 401 && request.headers().firstValue("Authorization").isEmpty()
                    && response.headers().allValues("WWW-Authenticate").stream().anyMatch(v -> v.startsWith("Negotiate"))) {
                String token = kerberos.get();
                if (token != null) {
                    remember(jar, response);
                    return send(HttpRequest.newBuilder(request, (name, value) -> true)
                            .header("Authorization", "Negotiate " + token).build());
                }
            }
            remember(jar, response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during " + request.method() + " " + request.uri(), e);
        }
    }

    private static void remember(Map<String, String> jar, HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            String[] parts = header.split(";");
            int eq = parts[0].indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String cookiePath = "/";
            for (int i = 1; i < parts.length; i++) {
                String attribute = parts[i].trim();
                if (attribute.toLowerCase(Locale.ROOT).startsWith("path=")) {
                    cookiePath = attribute.substring(5);
                }
            }
            String key = parts[0].substring(0, eq).trim() + "|" + cookiePath;
            String value = parts[0].substring(eq + 1);
            if (header.toLowerCase(Locale.ROOT).contains("max-age=0") || value.isEmpty()) {
                jar.remove(key);
            } else {
                jar.put(key, value);
            }
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
    }

    /** One HTML form: its id, where it posts, and the values its inputs carry. */
    public record Form(String id, URI action, Map<String, String> inputs) {

        /** The inputs with some values replaced or added. */
        public Map<String, String> with(Map<String, String> values) {
            Map<String, String> merged = new LinkedHashMap<>(inputs);
            merged.putAll(values);
            return merged;
        }
    }

    /** The verifier, challenge and state of one authorization-code request with PKCE. */
    record Pkce(String verifier, String challenge, String state) {

        static Pkce create() {
            String verifier = randomToken();
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
                return new Pkce(verifier, Base64.getUrlEncoder().withoutPadding().encodeToString(digest), randomToken());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 missing from the JVM", e);
            }
        }
    }
}
