/*
 * keycloak.v3 draws the default avatar (a person's silhouette, shown when the user has no picture) as an <svg>
 * that screen readers announce as an unnamed image. It is decoration beside the user's name in the masthead's menu,
 * so hide it from them; the console renders it after this script runs, and again on every page change.
 */
const hideDefaultAvatars = () => {
    for (const avatar of document.querySelectorAll("svg.pf-v5-c-avatar:not([aria-hidden])")) {
        avatar.setAttribute("aria-hidden", "true");
    }
};

hideDefaultAvatars();
new MutationObserver(hideDefaultAvatars).observe(document.documentElement, {childList: true, subtree: true});
