"""For authors (coaches, facilitators, admins): scenario files with errors, and the quality bar."""

from __future__ import annotations

import streamlit as st

from modules import dutch
from modules.library import quality
from modules.ui import context


def author_box(key: str) -> None:
    """Broken files and warnings; on request the strict check and the figures of every scenario."""
    library, catalogue = context.library(), context.catalogue()
    st.divider()
    broken = len(library.broken)
    title = (
        f"Voor auteurs: {dutch.plural(broken, 'scenariobestand', 'scenariobestanden')} met fouten"
        if broken
        else "Voor auteurs: kwaliteit van de scenario's"
    )
    with st.expander(title, expanded=bool(broken)):
        if broken:
            st.markdown(
                "Deze bestanden worden niet getoond tot de fouten zijn opgelost. "
                "Controleer ze met `python -m modules lint scenarios/`. Leraren zien deze melding niet."
            )
            for file_name, problems in sorted(library.broken.items()):
                st.markdown(f"**{file_name}**")
                st.code("\n".join(str(p) for p in problems), language=None)
        if library.warnings:
            st.markdown("**Waarschuwingen**")
            st.code("\n".join(str(p) for p in library.warnings), language=None)
        st.markdown(
            "**Kwaliteitseisen.** Elk scenario moet de kwaliteitseisen halen: een gespreksvraag bij elke keuze, "
            "echte dilemma's, een sterk einde dat op meer manieren te halen is, feedback die klopt met de gekozen "
            "route, en helder Nederlands (B1). Hetzelfde als `python -m modules lint --strict --report scenarios/`."
        )
        if not st.toggle("Controleer de kwaliteitseisen", key=f"{key}-strict"):
            return
        with st.spinner("Bezig met controleren. De eerste keer duurt dit even."):
            findings = quality.library_findings(context.scenario_dir(), library.files, library.scenarios, catalogue)
        for file_name, (problems, figures) in findings.items():
            errors = sum(p.severity == "error" for p in problems)
            st.markdown(f"**{file_name}**: {'voldoet' if not errors else dutch.plural(errors, 'fout', 'fouten')}")
            if problems:
                st.code("\n".join(str(p) for p in problems), language=None)
            st.code(figures, language=None)
