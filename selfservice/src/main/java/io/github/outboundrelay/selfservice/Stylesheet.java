package io.github.outboundrelay.selfservice;

/** The pages' only style sheet, served at {@code /style.css} (the Content-Security-Policy admits no inline style). */
final class Stylesheet {
    static final String CSS = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
        header { display: flex; justify-content: space-between; align-items: center; padding: .5rem 1.5rem;
                 background: #0b3d91; color: #fff; }
        header h1 { font-size: 1.3rem; margin: .4rem 0; }
        main { max-width: 46rem; margin: 1rem auto; padding: 0 1rem; }
        .card, section.address { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 1rem;
                 margin: 0 0 1rem; }
        label { display: block; margin: .6rem 0 .2rem; font-weight: 600; }
        input, select { width: 100%; box-sizing: border-box; padding: .45rem; font-size: 1rem; border: 1px solid #8c959f;
                 border-radius: 4px; }
        input[aria-invalid=true] { border-color: #cf222e; }
        button { margin: .7rem .4rem 0 0; padding: .45rem .9rem; font-size: 1rem; border-radius: 4px;
                 border: 1px solid #0b3d91; background: #0b3d91; color: #fff; cursor: pointer; }
        form.inline { display: inline-block; }
        form.inline input { width: auto; }
        :focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
        .error { color: #cf222e; margin: .3rem 0; }
        .notice { background: #dafbe1; border: 1px solid #4ac26b; padding: .6rem; border-radius: 4px; }
        .blocked { background: #fff8c5; border: 1px solid #d4a72c; padding: .6rem; border-radius: 4px; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        .status-verified { color: #1a7f37; font-weight: 600; }
        .status-pending { color: #9a6700; font-weight: 600; }
        .signout { display: flex; gap: .6rem; align-items: center; }
        .signout button { margin: 0; background: #fff; color: #0b3d91; }
        .hint { color: #57606a; }
        """;

    private Stylesheet() {
    }
}
