package com.claromentis.keycloak.signin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.RETURNS_SELF;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.HashSet;
import java.util.Set;

import jakarta.ws.rs.core.Response;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.keycloak.events.EventBuilder;
import org.keycloak.forms.login.LoginFormsProvider;

@DisplayName("Given a refused sign-in")
class RefusalPageTest {

    @Nested
    @DisplayName("when it is reported")
    class Report {

        @Test
        @DisplayName("then the event carries the reference code the page will show")
        void referenceOnTheEvent() {
            EventBuilder event = mock(EventBuilder.class, RETURNS_SELF);

            String reference = RefusalPage.report(SignInRefusal.TENANT_MISMATCH, event, "test");

            verify(event).detail(RefusalPage.REFERENCE_DETAIL, reference);
        }

        @Test
        @DisplayName("then codes read out over the phone cannot be misheard (no 0/O, 1/I/L) and do not repeat")
        void readableUniqueCodes() {
            Set<String> codes = new HashSet<>();
            for (int i = 0; i < 10_000; i++) {
                String code = RefusalPage.report(SignInRefusal.SOCIAL_NO_ACCOUNT, null, "test");
                assertThat(code).matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}");
                codes.add(code);
            }
            assertThat(codes).hasSize(10_000);
        }
    }

    @Nested
    @DisplayName("when Keycloak's own step sends the login-error event (Kerberos)")
    class Reserved {

        @Test
        @DisplayName("then the code is on the event before the step runs, and taken off again when the step did not refuse")
        void reserveAndWithdraw() {
            EventBuilder event = mock(EventBuilder.class, RETURNS_SELF);

            String reference = RefusalPage.reserve(event);
            verify(event).detail(RefusalPage.REFERENCE_DETAIL, reference);
            RefusalPage.withdraw(event);

            verify(event).removeDetail(RefusalPage.REFERENCE_DETAIL);
            assertThat(reference).matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}");
        }

        @Test
        @DisplayName("then the notice is a warning on the form Keycloak shows next, with the code as its parameter")
        void noticeOnTheForm() {
            LoginFormsProvider form = mock(LoginFormsProvider.class, RETURNS_SELF);

            RefusalPage.notice(form, SignInRefusal.KERBEROS_TICKET_REFUSED, "ABCD-EFGH");

            verify(form).setMessage(org.keycloak.forms.login.MessageType.WARNING, "claromentisKerberosTicketRefused", "ABCD-EFGH");
        }
    }

    @Nested
    @DisplayName("when its page is rendered")
    class Render {

        @Test
        @DisplayName("then it is the bundle's template with the refusal's status, texts, code and the name as given")
        void pageWithStatus() {
            LoginFormsProvider form = mock(LoginFormsProvider.class, RETURNS_SELF);
            // No JAX-RS runtime in a unit test: any response object stands for the page.
            Response page = mock(Response.class);
            when(form.createForm(RefusalPage.TEMPLATE)).thenReturn(page);

            Response rendered = RefusalPage.render(form, SignInRefusal.SOCIAL_NO_ACCOUNT, "ABCD-EFGH", "<b>Evil</b>");

            assertThat(rendered).isSameAs(page);
            verify(form).setStatus(Response.Status.FORBIDDEN);
            ArgumentCaptor<Object> model = ArgumentCaptor.forClass(Object.class);
            verify(form).setAttribute(eq(RefusalPage.ATTRIBUTE), model.capture());
            RefusalPage.Model m = (RefusalPage.Model) model.getValue();
            assertThat(m.getId()).isEqualTo("social-no-account");
            assertThat(m.getTitleKey()).isEqualTo("claromentisRefusalTitle.social-no-account");
            assertThat(m.getMessageKey()).isEqualTo("claromentisSocialNoAccount");
            assertThat(m.getReference()).isEqualTo("ABCD-EFGH");
            assertThat(m.getProvider()).isEqualTo("<b>Evil</b>");
            assertThat(m.isRetry()).as("a social refusal: the company's sign-in is one click away").isTrue();
        }

        @Test
        @DisplayName("then it links back to the sign-in only where signing in again can go differently, and only during a sign-in")
        void backToSignIn() {
            assertThat(RefusalPage.model(SignInRefusal.CLAROMENTIS_UNAVAILABLE, "ABCD-EFGH", null, true).isRetry()).isTrue();
            assertThat(RefusalPage.model(SignInRefusal.TENANT_MISMATCH, "ABCD-EFGH", null, true).isRetry()).isTrue();
            assertThat(RefusalPage.model(SignInRefusal.MICROSOFT_NOT_SET_UP, "ABCD-EFGH", null, true).isRetry())
                    .as("Microsoft answers the same until the set-up is fixed").isFalse();
            assertThat(RefusalPage.model(SignInRefusal.CLAROMENTIS_UNAVAILABLE, "ABCD-EFGH", null, false).isRetry())
                    .as("no sign-in to restart").isFalse();
        }

        @Test
        @DisplayName("then an outage answers 503, a refusal 403, and the Kerberos notice the password form's 200")
        void statuses() {
            for (SignInRefusal refusal : SignInRefusal.values()) {
                Response.Status expected = switch (refusal) {
                    case CLAROMENTIS_UNAVAILABLE -> Response.Status.SERVICE_UNAVAILABLE;
                    case MICROSOFT_NOT_SET_UP -> Response.Status.INTERNAL_SERVER_ERROR;
                    case KERBEROS_TICKET_REFUSED -> Response.Status.OK;
                    default -> Response.Status.FORBIDDEN;
                };
                assertThat(refusal.status()).as(refusal.name()).isEqualTo(expected);
            }
        }
    }
}
