package fr.civis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** axe-core checks of the page a browser test is on. */
final class Accessibility {

    private Accessibility() {
    }

    /**
     * WCAG 2.1 A and AA rules: no serious or critical violation on the page as it is now, and the page reflows at
     * 320 CSS pixels wide (1.4.10, which axe does not check): no horizontal scrolling on a small phone.
     */
    static void assertNoSeriousViolation(WebDriver browser) {
        assertReflowsOnASmallPhone(browser);
        Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")).analyze(browser);
        List<String> serious = results.getViolations().stream()
                .filter(rule -> "serious".equals(rule.getImpact()) || "critical".equals(rule.getImpact()))
                .map(Accessibility::describe)
                .toList();
        assertThat(serious).as("accessibility violations on " + browser.getCurrentUrl()).isEmpty();
    }

    private static void assertReflowsOnASmallPhone(WebDriver browser) {
        Dimension size = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(320, 640));
        try {
            JavascriptExecutor page = (JavascriptExecutor) browser;
            // The layout viewport's width, once the page has laid itself out again at that size.
            new WebDriverWait(browser, Duration.ofSeconds(5)).until(driver -> ((Number) page.executeScript(
                    "return document.documentElement.clientWidth;")).intValue() <= 320);
            Object widest = page.executeScript("""
                    const viewport = document.documentElement.clientWidth;
                    const wider = [...document.querySelectorAll('body *')]
                        .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > viewport + 1)
                        .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                            + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                            + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
                    return document.documentElement.scrollWidth <= viewport ? '' : wider.slice(0, 5).join(', ');""");
            assertThat(String.valueOf(widest)).as("scrolls sideways at 320 px: " + browser.getCurrentUrl()).isEmpty();
        } finally {
            browser.manage().window().setSize(size);
        }
    }

    private static String describe(Rule rule) {
        return rule.getId() + " (" + rule.getImpact() + "): " + rule.getHelp() + " " + rule.getNodes().stream()
                .map(node -> String.valueOf(node.getTarget())).toList();
    }
}
