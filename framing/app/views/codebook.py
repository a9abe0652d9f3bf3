"""Codebook page: choose a built-in, read its frames and axes, edit, re-score, save."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import streamlit as st

from framing.app import files, jobs, state
from framing.app.highlight import code, md
from framing.codebook import Codebook, CodebookError, builtin_ids
from framing.paths import user_codebooks_dir
from framing.results.sql import quote_ident

MAX_YAML_BYTES = 2 * 1024 * 1024


def _apply(edit, message: str, clear: tuple[str, ...] = ()) -> bool:
    """Apply ``edit(dict)`` to the current codebook; keep it only if it validates.

    On success the text fields ``clear`` are emptied on the next run; on an error they keep
    what was typed (and every picker its choice) so that it can be corrected.
    """
    data = copy.deepcopy(state.current_codebook().to_dict())
    try:
        edit(data)
        new = Codebook.from_dict(data, source="(app edit)")
        state.set_codebook(new)
    except CodebookError as exc:
        st.session_state["codebook_error"] = str(exc)
    except ValueError as exc:  # a malformed weight typed into a form
        st.session_state["codebook_error"] = f"(app edit): {exc}"
    else:
        st.session_state["codebook_message"] = message
        st.session_state.pop("codebook_error", None)
        st.session_state[_CLEAR_KEY] = list(clear)
        return True
    return False


#: Text fields to empty before the next run draws them (a successful edit).
_CLEAR_KEY = "_codebook_clear"


#: Pickers whose choice is kept across reruns, errors and page switches (per codebook).
_PICKERS = ("proto_frame", "term_frame")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def term_language(term: str) -> str:
    """The lexicon a typed term belongs to: ``en`` for Latin script, else the detected language."""
    from framing.language import detect_language

    if all(ord(ch) <= 0x24F for ch in term):
        return "en"
    code, _ = detect_language(term)
    return code if code != "und" else "en"


def parse_terms(text: str) -> dict[str, float]:
    """``term`` or ``term: weight`` per line -> {term: weight} (weights validated by the codebook)."""
    out: dict[str, float] = {}
    for line in _lines(text):
        term, sep, weight = line.rpartition(":")
        if not sep:
            term, weight = line, "1"
        try:
            out[term.strip()] = float(weight)
        except ValueError:
            raise ValueError(f"lexicon line {line!r}: the weight after ':' must be a number") from None
    return out


def _frame_dict(data: dict, frame_id: str) -> dict:
    for f in data["frames"]:
        if f["id"] == frame_id:
            return f
    raise CodebookError(f"(app edit): no frame {frame_id!r}")


def _on_choice() -> None:
    state.select_codebook(st.session_state["codebook_choice"])


def _discard(current: str) -> None:
    """Two steps: "Discard changes…", then a confirmation; nothing else drops a draft."""
    if st.session_state.get("confirm_discard") != current:
        st.session_state.pop("confirm_discard", None)
        if st.button("Discard changes…", key="discard",
                     help="Go back to the built-in codebook; your edits are kept until you confirm."):
            st.session_state["confirm_discard"] = current
            st.rerun()
        return
    what = "this opened codebook" if current not in builtin_ids() else f"your changes to {current}"
    st.warning(f"Discard {md(what)}? This cannot be undone (download or save it first to keep a copy).")
    yes, no = st.columns(2)
    if yes.button("Yes, discard", type="primary", key="discard_confirm"):
        state.discard_draft(current)
        st.session_state.pop("confirm_discard", None)
        st.session_state["codebook_message"] = f"Discarded the changes to {current}."
        st.rerun()
    if no.button("Keep my changes", key="discard_cancel"):
        st.session_state.pop("confirm_discard", None)
        st.rerun()


def _choose(cb: Codebook) -> None:
    choices = state.codebook_choices()
    left, right = st.columns([2, 3])
    with left:
        if choices:
            current = state.codebook_id()
            st.session_state["codebook_choice"] = current  # follows the codebook in use
            st.selectbox("Codebook", choices, key="codebook_choice", on_change=_on_choice,
                         help="Each codebook keeps its edits while you switch between them.")
            edited = [c for c in choices if state.codebook_is_draft(c)]
            if edited:
                st.caption("Edited: " + ", ".join(code(c) for c in edited)
                           + " (kept until you discard them)")
            if state.codebook_is_draft(current):
                _discard(current)
        else:
            st.warning("No built-in codebooks found in the package (framing/codebooks/).")
    with right:
        uploaded = st.file_uploader("…or open a codebook YAML file", key="codebook_upload",
                                    max_upload_size=2)
        if uploaded is not None:
            if Path(uploaded.name).suffix.lower() not in (".yaml", ".yml"):
                st.error(f"{md(uploaded.name)}: a codebook is a .yaml or .yml file.")
            elif uploaded.size > MAX_YAML_BYTES:
                st.error(f"{md(uploaded.name)}: {uploaded.size / 1048576:.1f} MB is too big for a codebook (2 MB at most).")
            elif st.button(f"Use {uploaded.name}", key="use_codebook_upload"):
                try:
                    text = uploaded.getvalue().decode("utf-8")
                    opened = Codebook.from_yaml(text, source=uploaded.name)
                    state.set_codebook(opened, slot=opened.id)
                except UnicodeDecodeError:
                    st.session_state["codebook_error"] = f"{uploaded.name}: not a UTF-8 text file"
                except CodebookError as exc:
                    st.session_state["codebook_error"] = str(exc)
                else:
                    st.session_state["codebook_message"] = f"Opened {uploaded.name}."
                st.rerun()


def _view(cb: Codebook) -> None:
    st.subheader(md(cb.name))
    st.caption(f"id {code(cb.id)} · version {md(cb.version)} · sha256 `{cb.sha256[:12]}`"
               + (" · **edited**" if state.codebook_is_draft() else ""))
    if cb.description:
        st.text(cb.description)
    overview = pd.DataFrame(
        [{"frame": f.id, "label": f.label, "prototypes": len(f.prototypes), "lexicon terms": len(f.lexicon),
          "counter-examples": len(f.counter_examples)} for f in cb.frames]
    )
    st.dataframe(overview, hide_index=True, key="frames_table")
    if cb.axes:
        axes = pd.DataFrame([{"axis": a.id, "label": a.label, "pole A (+1)": a.pole_a, "pole B (−1)": a.pole_b}
                             for a in cb.axes])
        st.dataframe(axes, hide_index=True, key="axes_table")
    for f in cb.frames:
        with st.expander(f"{md(f.label)} ({code(f.id)}) — {len(f.prototypes)} prototypes, {len(f.lexicon)} terms"):
            if f.description:
                st.text(f.description)
            st.markdown("**Prototype sentences**")
            st.dataframe(pd.DataFrame({"prototype": f.prototypes}), hide_index=True, key=f"proto_{f.id}")
            if f.lexicon:
                st.markdown("**Lexicon**")
                lex = pd.DataFrame(sorted(f.lexicon.items(), key=lambda kv: -kv[1]), columns=["term", "weight"])
                st.dataframe(lex, hide_index=True, key=f"lex_{f.id}")
            if f.counter_examples:
                st.markdown("**Counter-examples**")
                st.dataframe(pd.DataFrame({"counter-example": f.counter_examples}), hide_index=True,
                             key=f"counter_{f.id}")


def _edit(cb: Codebook) -> None:
    st.subheader("Edit")
    for key in st.session_state.pop(_CLEAR_KEY, []):
        st.session_state[key] = ""
    slot = state.codebook_id()
    for key in _PICKERS:
        state.restore_widget(key, cb.frame_ids, cb.frame_ids[0] if cb.frame_ids else None, slot=slot)
    tabs = st.tabs(["Prototypes", "Lexicon terms", "New frame", "New axis", "YAML"])
    with tabs[0], st.form("add_prototypes"):
        frame = st.selectbox("Frame", cb.frame_ids, key="proto_frame")
        text = st.text_area("Prototype sentences to add (one per line)", key="proto_text")
        if st.form_submit_button("Add prototypes"):
            new = _lines(text)

            def add_prototypes(d):
                if not new:
                    raise CodebookError("(app edit): type at least one prototype sentence")
                _frame_dict(d, frame)["prototypes"].extend(new)
            _apply(add_prototypes, f"Added {len(new)} prototype(s) to {frame}.", clear=("proto_text",))
            st.rerun()
    with tabs[1], st.form("add_terms"):
        frame = st.selectbox("Frame", cb.frame_ids, key="term_frame")
        text = st.text_area("Terms to add, one per line: `term` or `term: weight` (weight in (0, 10])",
                            key="term_text")
        if st.form_submit_button("Add terms"):
            def add_terms(d):
                terms = parse_terms(text)
                if not terms:
                    raise CodebookError("(app edit): type at least one term")
                lexicon = _frame_dict(d, frame).setdefault("lexicon", {})
                per_language = bool(lexicon) and all(isinstance(v, (dict, list)) for v in lexicon.values())
                for term, weight in terms.items():
                    target = lexicon
                    if per_language:  # {en: {...}, ur: {...}}: a term goes to its own language's list
                        lang = term_language(term)
                        target = lexicon.setdefault(lang, {})
                        if isinstance(target, list):
                            target = lexicon[lang] = {t: 1.0 for t in target}
                    if term.lower() in target:
                        raise CodebookError(f"(app edit): frame {frame!r}.lexicon.{term}: duplicate term")
                    target[term] = weight
            _apply(add_terms, f"Added terms to {frame}.", clear=("term_text",))
            st.rerun()
    for key in _PICKERS:
        state.keep_widget(key, slot=slot)
    with tabs[2], st.form("add_frame"):
        fid = st.text_input("Frame id (lower case, e.g. `humanitarian_cost`)", key="new_frame_id")
        label = st.text_input("Label", key="new_frame_label")
        description = st.text_area("Description (what the frame says: victim, blame, remedy)", key="new_frame_desc")
        protos = st.text_area("Prototype sentences (one per line, at least one)", key="new_frame_protos")
        terms = st.text_area("Lexicon terms (optional; `term` or `term: weight` per line)", key="new_frame_terms")
        if st.form_submit_button("Add frame"):
            def add_frame(d):
                d["frames"].append({"id": fid.strip(), "label": label.strip() or fid.strip(),
                                    "description": description.strip(), "prototypes": _lines(protos),
                                    "lexicon": parse_terms(terms)})
            _apply(add_frame, f"Added frame {fid.strip()!r}.",
                   clear=("new_frame_id", "new_frame_label", "new_frame_desc", "new_frame_protos", "new_frame_terms"))
            st.rerun()
    with tabs[3], st.form("add_axis"):
        aid = st.text_input("Axis id (lower case, e.g. `victim_vs_aggressor`)", key="new_axis_id")
        label = st.text_input("Label", key="new_axis_label")
        pole_a = st.selectbox("Pole A (+1)", cb.frame_ids, key="new_axis_a")
        pole_b = st.selectbox("Pole B (−1)", cb.frame_ids, index=min(1, len(cb.frame_ids) - 1), key="new_axis_b")
        if st.form_submit_button("Add axis"):
            _apply(lambda d: d.setdefault("axes", []).append(
                {"id": aid.strip(), "label": label.strip() or aid.strip(), "pole_a": pole_a, "pole_b": pole_b}),
                f"Added axis {aid.strip()!r}.", clear=("new_axis_id", "new_axis_label"))
            st.rerun()
    with tabs[4], st.form("edit_yaml"):
        # one field per version of the codebook: it shows the draft in use, and what was typed
        # stays until it is applied (or the codebook changes)
        text = st.text_area("The whole codebook as YAML", value=cb.to_yaml(), height=400,
                            key=f"yaml_text:{cb.sha256[:16]}")
        if st.form_submit_button("Apply YAML"):
            try:
                state.set_codebook(Codebook.from_yaml(text, source="(app YAML)"))
            except CodebookError as exc:
                st.session_state["codebook_error"] = str(exc)
            else:
                st.session_state["codebook_message"] = "Applied the YAML."
                st.session_state.pop("codebook_error", None)
            st.rerun()


def _save(cb: Codebook) -> None:
    st.subheader("Save")
    folder = user_codebooks_dir()
    left, right = st.columns(2)
    with left:
        st.download_button("Download YAML", cb.to_yaml().encode("utf-8"), file_name=f"{cb.id}.yaml",
                           mime="application/x-yaml", key="download_yaml")
    with right:
        # one field per codebook, so the proposed name follows the codebook in use
        name = st.text_input("Save as YAML file on this machine (file name)", value=f"{cb.id}.yaml",
                             key=f"save_name:{cb.id}",
                             help=f"Saved into your codebooks folder {folder}; built-in codebooks are never "
                                  "replaced.")
        st.caption(f"Into {code(folder)}")
        if st.button("Save", key="save_yaml"):
            try:
                existed = (folder / files.codebook_file_name(name)).exists()
                path = files.save_codebook(cb, name, folder)
            except ValueError as exc:
                st.error(md(str(exc)))
            except OSError as exc:
                st.error(f"{md(folder)}: could not save ({md(exc.strerror or exc)})")
            else:
                st.success(f"{'Replaced' if existed else 'Saved'} {code(path)}. Open it later with "
                           f"`framing analyse … --codebook {path}`.")


def _rescore(cb: Codebook) -> None:
    st.subheader("Re-score")
    corpus = state.current_corpus()
    if corpus is None or len(corpus) == 0:
        st.info("Open a corpus on the Corpus page to score it with this codebook.")
        return
    if not state.is_scored():
        job = state.scoring_job()
        if job is not None and not job.finished:
            st.caption(job.text())
            return
        st.caption(f"{len(corpus):,} articles are not scored with this version of the codebook yet.")
        if not st.button("Re-score now", type="primary", key="rescore"):
            return
        if len(corpus) > jobs.AUTO_SCORE_LIMIT:  # big: in the background, progress on the Events page
            state.start_scoring()
        else:
            state.current_results(start=True)
        st.rerun()  # the notice above is stale once the scores exist
    results = state.current_results(start=True)
    frame_cols = [f"frame:{fid}" for fid in cb.frame_ids if f"frame:{fid}" in results.columns]
    summary = results.query("SELECT CAST(outlet AS VARCHAR) AS outlet, "
                            + ", ".join(f"avg({quote_ident(c)}) AS {quote_ident(c[len('frame:'):])}"
                                        for c in frame_cols)
                            + " FROM scored GROUP BY 1 ORDER BY 1").set_index("outlet").round(3)
    st.caption(f"Mean frame score per outlet with this codebook ({results.n_articles:,} articles).")
    st.dataframe(summary, key="rescore_table")


def render() -> None:
    st.title("Codebook")
    cb = state.active_codebook()
    if state.results_folder() is not None:  # fixed results: the codebook they were scored with
        st.caption("The codebook the results folder was scored with (read-only here: editing a codebook "
                   "needs re-scoring; run `framing analyse PATH... --codebook FILE --results DIR`).")
        _view(cb)
        return
    if st.session_state.get("codebook_error"):
        st.error(st.session_state.pop("codebook_error"))
    if st.session_state.get("codebook_message"):
        st.success(st.session_state.pop("codebook_message"))
    _choose(cb)
    _view(cb)
    _edit(cb)
    _rescore(cb)
    _save(cb)
