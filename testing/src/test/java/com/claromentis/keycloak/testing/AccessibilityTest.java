package com.claromentis.keycloak.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

@DisplayName("Given the WCAG contrast ratio the browser checks compute")
class AccessibilityTest {

    private static Map<String, Object> rgb(long r, long g, long b) {
        return Map.of("r", r, "g", g, "b", b);
    }

    @Nested
    @DisplayName("when two colours are compared")
    class Ratio {

        @Test
        @DisplayName("then black on white is 21:1 and a colour on itself 1:1, whichever comes first")
        void bounds() {
            assertThat(Accessibility.contrast(rgb(0, 0, 0), rgb(255, 255, 255))).isCloseTo(21.0, within(0.01));
            assertThat(Accessibility.contrast(rgb(255, 255, 255), rgb(0, 0, 0))).isCloseTo(21.0, within(0.01));
            assertThat(Accessibility.contrast(rgb(42, 140, 140), rgb(42, 140, 140))).isCloseTo(1.0, within(0.001));
        }

        @Test
        @DisplayName("then the values of published WCAG examples come out: #767676 on white just passes AA (4.54), #777777 fails (4.48)")
        void publishedValues() {
            assertThat(Accessibility.contrast(rgb(0x76, 0x76, 0x76), rgb(255, 255, 255))).isCloseTo(4.54, within(0.01));
            assertThat(Accessibility.contrast(rgb(0x77, 0x77, 0x77), rgb(255, 255, 255))).isCloseTo(4.48, within(0.01));
        }

        @Test
        @DisplayName("then the colour values Chromium returns as decimals are read as well as whole numbers")
        void decimals() {
            assertThat(Accessibility.contrast(Map.of("r", 0.0, "g", 0.0, "b", 0.0), rgb(255, 255, 255)))
                    .isCloseTo(21.0, within(0.01));
        }
    }
}
