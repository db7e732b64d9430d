package com.claromentis.keycloak.testing;

import org.assertj.core.api.SoftAssertions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The accessibility checks every page the Claromentis themes render must pass, measured in the page a real browser
 * shows: page language, form labels, alt texts, names of links and buttons, focus order and WCAG AA text contrast
 * from the colours the browser computed.
 */
public final class Accessibility {

    private static final int FOCUS_STEPS = 15;

    private Accessibility() {
    }

    /**
     * The page declares {@code language}, every visible field has a label, every picture a text or is hidden from
     * screen readers, every link and button a name, and every text passes {@link #assertContrast}.
     */
    public static void assertAccessible(WebDriver page, String language) {
        // Softly: a page that fails several checks reports all of them at once.
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(js(page, "return document.documentElement.getAttribute('lang')")).as("page language").isEqualTo(language);
        softly.assertThat(js(page, """
                return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]'))
                            && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
                  .map(e => e.id || e.name)""")).as("form fields without a label").asList().isEmpty();
        softly.assertThat(js(page, "return [...document.querySelectorAll('img:not([alt])')].map(e => e.src)"))
                .as("images without alt text").asList().isEmpty();
        softly.assertThat(js(page, """
                return [...document.querySelectorAll('svg')]
                  .filter(s => s.getAttribute('aria-hidden') !== 'true' && !s.getAttribute('aria-label') && !s.querySelector('title'))
                  .map(s => (s.parentElement || s).outerHTML.substring(0, 160))"""))
                .as("pictures (svg) neither hidden from screen readers nor named").asList().isEmpty();
        softly.assertThat(js(page, """
                return [...document.querySelectorAll('a[href], button')]
                  .filter(e => e.offsetParent !== null)
                  .filter(e => !(e.innerText || '').trim() && !e.getAttribute('aria-label') && !e.getAttribute('title')
                            && ![...e.querySelectorAll('img[alt]')].some(i => i.alt.trim()))
                  .map(e => e.id || e.outerHTML.substring(0, 80))""")).as("links and buttons without a name").asList().isEmpty();
        softly.assertThat(textsBelowContrast(page)).as("texts below WCAG AA contrast").isEmpty();
        softly.assertAll();
    }

    /**
     * Tab from the top of the page: the elements matching the given CSS selectors ({@code #username}) get the focus
     * in this order.
     */
    public static void assertFocusOrder(WebDriver page, List<String> expected) {
        // Focus the page itself, as a freshly loaded page is, without clicking anything on it.
        js(page, "document.activeElement && document.activeElement.blur(); document.body.setAttribute('tabindex', '-1'); document.body.focus();");
        List<String> seen = new ArrayList<>();
        List<String> focused = new ArrayList<>();
        for (int i = 0; i < FOCUS_STEPS; i++) {
            new Actions(page).sendKeys(Keys.TAB).perform();
            focused.add(String.valueOf(js(page, "const e = document.activeElement; return e.id || e.tagName + '.' + e.className")));
            for (String selector : expected) {
                if (!seen.contains(selector) && Boolean.TRUE.equals(((JavascriptExecutor) page)
                        .executeScript("return document.activeElement.matches(arguments[0])", selector))) {
                    seen.add(selector);
                }
            }
        }
        assertThat(seen).as("focus order, of " + focused).containsExactlyElementsOf(expected);
    }

    /**
     * WCAG AA: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold), measured on the colours the browser
     * computed for every visible text, against the first opaque background behind it. Text on a gradient is
     * measured against the gradient's colour stop it contrasts least with.
     */
    public static void assertContrast(WebDriver page) {
        assertThat(textsBelowContrast(page)).as("texts below WCAG AA contrast").isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static List<String> textsBelowContrast(WebDriver page) {
        List<Map<String, Object>> texts = (List<Map<String, Object>>) js(page, """
                const parse = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
                  const p = m[1].split(',').map(x => parseFloat(x)); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
                const backgrounds = e => { for (let n = e; n; n = n.parentElement) {
                    const s = getComputedStyle(n);
                    if (s.backgroundImage && s.backgroundImage !== 'none') {
                      return (s.backgroundImage.match(/rgba?\\([^)]+\\)/g) || []).map(parse); }
                    const c = parse(s.backgroundColor); if (c && c.a > 0.9) return [c]; }
                  return [{r: 255, g: 255, b: 255, a: 1}]; };
                const out = [];
                for (const e of document.querySelectorAll('h1, h2, h3, label, p, a, button, span, strong, option, div, dt, dd, li')) {
                  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own || e.offsetParent === null) continue;
                  const s = getComputedStyle(e); const fg = parse(s.color);
                  out.push({id: e.id || e.className || e.tagName, text: e.innerText.trim().substring(0, 40),
                    fg, backgrounds: backgrounds(e), size: parseFloat(s.fontSize), bold: parseInt(s.fontWeight) >= 700});
                }
                return out;""");
        assertThat(texts).as("texts on the page").isNotEmpty();
        List<String> tooFaint = new ArrayList<>();
        for (Map<String, Object> text : texts) {
            List<Map<String, Object>> backgrounds = (List<Map<String, Object>>) text.get("backgrounds");
            String what = text.get("id") + " \"" + text.get("text") + "\"";
            if (backgrounds.isEmpty()) {
                tooFaint.add(what + " on a picture, whose contrast cannot be measured");
                continue;
            }
            Map<String, Object> foreground = (Map<String, Object>) text.get("fg");
            double ratio = backgrounds.stream().mapToDouble(b -> contrast(foreground, b)).min().orElseThrow();
            double size = ((Number) text.get("size")).doubleValue();
            boolean large = size >= 24 || (size >= 18.66 && Boolean.TRUE.equals(text.get("bold")));
            if (ratio < (large ? 3.0 : 4.5)) {
                tooFaint.add(what + " " + String.format("%.2f", ratio));
            }
        }
        return tooFaint;
    }

    /** The WCAG contrast ratio of two sRGB colours (maps of r, g, b in 0-255), from 1 to 21. */
    static double contrast(Map<String, Object> a, Map<String, Object> b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(Map<String, Object> colour) {
        return 0.2126 * channel(colour.get("r")) + 0.7152 * channel(colour.get("g")) + 0.0722 * channel(colour.get("b"));
    }

    private static double channel(Object value) {
        double c = ((Number) value).doubleValue() / 255.0;
        return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    }

    private static Object js(WebDriver page, String script) {
        return ((JavascriptExecutor) page).executeScript(script);
    }
}
