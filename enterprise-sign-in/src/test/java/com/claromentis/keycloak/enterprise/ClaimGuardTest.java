package com.claromentis.keycloak.enterprise;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.keycloak.dom.saml.v2.assertion.AssertionType;
import org.keycloak.dom.saml.v2.assertion.AttributeStatementType;
import org.keycloak.dom.saml.v2.assertion.AttributeType;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Given a SAML assertion whose attributes the provider's importers read")
class ClaimGuardTest {

    private static final String TITLE = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/jobtitle";
    private static final Map<String, String> IMPORTED = Map.of(TITLE, "jobTitle", "mail", "email");

    @Nested
    @DisplayName("when an imported attribute carries a hostile value")
    class Hostile {

        @ParameterizedTest
        @ValueSource(strings = {"Analyst\nINFO [org.keycloak] admin signed in", "Analyst\r", "tab\there", "nul\u0000",
                "<img src=x onerror=alert(1)>", "<b>Analyst</b>", "bidi\u202eevil", "line\u2028break"})
        @DisplayName("then the value is taken out of the assertion and the attribute's importer gets nothing")
        void dropped(String value) {
            AssertionType assertion = assertion(attribute(TITLE, null, value));

            Map<String, List<String>> changed = ClaimGuardMapper.dropRefused("adfs", assertion, IMPORTED);

            assertThat(changed).containsEntry("jobTitle", List.of());
            assertThat(values(assertion, TITLE)).isEmpty();
        }

        @Test
        @DisplayName("then a value longer than 255 characters is taken out, the fine ones of the attribute stay")
        void tooLong() {
            AssertionType assertion = assertion(attribute(TITLE, null, "x".repeat(256), "Analyst"));

            assertThat(ClaimGuardMapper.dropRefused("adfs", assertion, IMPORTED)).containsEntry("jobTitle", List.of("Analyst"));
            assertThat(values(assertion, TITLE)).containsExactly("Analyst");
        }

        @Test
        @DisplayName("then an attribute matched by its friendly name is guarded too")
        void friendlyName() {
            AssertionType assertion = assertion(attribute("urn:oid:0.9.2342.19200300.100.1.3", "mail", "a@b.example\n"));

            assertThat(ClaimGuardMapper.dropRefused("adfs", assertion, IMPORTED)).containsEntry("email", List.of());
        }
    }

    @Nested
    @DisplayName("when the values are ordinary, or not imported")
    class Ordinary {

        @Test
        @DisplayName("then nothing changes")
        void untouched() {
            AssertionType assertion = assertion(attribute(TITLE, null, "Head of Finance & Risk"),
                    attribute("urn:other", null, "<not imported>"));

            assertThat(ClaimGuardMapper.dropRefused("adfs", assertion, IMPORTED)).isEmpty();
            assertThat(values(assertion, TITLE)).containsExactly("Head of Finance & Risk");
            assertThat(values(assertion, "urn:other")).containsExactly("<not imported>");
        }
    }

    private static AttributeType attribute(String name, String friendlyName, String... values) {
        AttributeType attribute = new AttributeType(name);
        attribute.setFriendlyName(friendlyName);
        for (String value : values) {
            attribute.addAttributeValue(value);
        }
        return attribute;
    }

    private static AssertionType assertion(AttributeType... attributes) {
        AssertionType assertion;
        try {
            assertion = new AssertionType("_test", javax.xml.datatype.DatatypeFactory.newInstance()
                    .newXMLGregorianCalendar("2026-12-02T05:00:00Z"));
        } catch (javax.xml.datatype.DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
        AttributeStatementType statement = new AttributeStatementType();
        for (AttributeType attribute : attributes) {
            statement.addAttribute(new AttributeStatementType.ASTChoiceType(attribute));
        }
        assertion.addStatement(statement);
        return assertion;
    }

    private static List<Object> values(AssertionType assertion, String name) {
        return assertion.getAttributeStatements().stream().flatMap(s -> s.getAttributes().stream())
                .map(AttributeStatementType.ASTChoiceType::getAttribute).filter(a -> a.getName().equals(name))
                .flatMap(a -> a.getAttributeValue().stream()).toList();
    }
}
