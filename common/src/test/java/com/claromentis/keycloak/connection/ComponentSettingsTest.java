package com.claromentis.keycloak.connection;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;

import java.util.Collections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("ComponentSettings: bounds on what an administrator (or a script) sends")
class ComponentSettingsTest {

    private static ComponentModel model() {
        ComponentModel model = new ComponentModel();
        model.put("name", "ordinary value");
        return model;
    }

    @Nested
    @DisplayName("given a component whose values fit")
    class Fitting {
        @Test
        @DisplayName("then it passes, values of exactly the limit included")
        void passes() {
            ComponentModel model = model();
            model.put("edge", "x".repeat(ComponentSettings.MAX_VALUE_LENGTH));
            assertThatCode(() -> ComponentSettings.requireBoundedValues(model, key -> key, ComponentSettings.MAX_VALUE_LENGTH))
                    .doesNotThrowAnyException();
        }
    }

    @Nested
    @DisplayName("given a component with a hostile value")
    class Hostile {
        @Test
        @DisplayName("then a 100 KB value is refused naming the setting, without quoting the value")
        void hugeValue() {
            ComponentModel model = model();
            model.put("scope", "y".repeat(100_000));
            assertThatThrownBy(() -> ComponentSettings.requireBoundedValues(model, key -> "Scope", ComponentSettings.MAX_VALUE_LENGTH))
                    .isInstanceOf(ComponentValidationException.class)
                    .hasMessageContaining("Scope is longer than 4096 characters")
                    .hasMessageNotContaining("yyyy");
        }

        @Test
        @DisplayName("then a list of 5,000 values and a 5,000-character setting name are refused")
        void manyValuesAndLongKeys() {
            ComponentModel many = model();
            many.getConfig().put("fieldMapping", Collections.nCopies(5_000, "a=b"));
            assertThatThrownBy(() -> ComponentSettings.requireBoundedValues(many, key -> key, ComponentSettings.MAX_VALUE_LENGTH))
                    .hasMessageContaining("more than 4096 values");

            ComponentModel longKey = model();
            longKey.put("k".repeat(5_000), "v");
            assertThatThrownBy(() -> ComponentSettings.requireBoundedValues(longKey, key -> key, ComponentSettings.MAX_VALUE_LENGTH))
                    .hasMessageContaining("setting name is longer").hasMessageNotContaining("kkkk");
        }
    }
}
