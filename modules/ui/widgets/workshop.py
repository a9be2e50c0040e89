"""The parts of the Werkplaats page: choosing a draft, the map, the checks, testing, editing, publishing.

Every text an author wrote (the YAML, titles, findings quoting it) is shown as code or escaped
plain text; scenario texts in a test play are Markdown as on the Play page (never raw HTML).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from modules import dutch
from modules.authoring import workshop
from modules.content.scenario import Scenario
from modules.exchange import twee
from modules.library import branchmap, quality
from modules.library.lint import Problem
from modules.people import accounts
from modules.play import engine, insights
from modules.records import Account, Draft, PlayState
from modules.storage import Store
from modules.ui import context, wording
from modules.ui.widgets import scenes

CURRENT = "werkplaats_draft"  # (owner id, draft id) of the draft on the page
TEST = "werkplaats_test"  # the states of the test play, oldest first
FLASH = "werkplaats_flash"
SECTIONS = ["Kaart", "Controle", "Testen", "Bewerken", "Publiceren", "Praktijkdata"]
UPLOAD_TYPES = ["yaml", "yml", "twee", "tw", "txt"]
SOURCES = {"bibliotheek": "uit de bibliotheek", "bestand": "geüpload", "twine": "uit Twine", "geplakt": "geplakt"}


@dataclass
class Open:
    """The draft on the page and what the linter says of it."""

    draft: Draft
    checked: workshop.Checked
    mine: bool


def flash(text: str, kind: str = "success") -> None:
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    found = st.session_state.pop(FLASH, None)
    if found:
        kind, text = found
        (st.success if kind == "success" else st.warning)(text)


class AccountNames:
    """Usernames by account id, each read from the store when first asked (not every account on every rerun)."""

    def __init__(self, store: Store):
        self._store = store
        self._known: dict[str, str | None] = {}

    def get(self, user_id: str, default: str) -> str:
        if user_id not in self._known:
            account = self._store.get_account(user_id) if user_id else None
            self._known[user_id] = account.username if account is not None else None
        return self._known[user_id] or default


def _label(draft: Draft, actor: Account, names: AccountNames) -> str:
    title = draft.title or draft.scenario_id or "zonder titel"
    state = "geen fouten" if not draft.errors else dutch.plural(draft.errors, "fout", "fouten")
    owner = "" if draft.owner_id == actor.id else f" · van {names.get(draft.owner_id, 'een andere auteur')}"
    offered = " · aangeboden" if draft.offered else ""
    return f"{title} · {state}{offered}{owner}"


def choose_draft(drafts: list[Draft], actor: Account, names: AccountNames) -> Open | None:
    """The author's drafts (and, for publishers, drafts offered to them) to pick from; the one on the page."""
    if not drafts:
        st.info("Je hebt nog geen concepten. Begin hieronder een nieuw concept.")
        st.session_state.pop(CURRENT, None)
        return None
    keys = [(d.owner_id, d.id) for d in drafts]
    by_key = dict(zip(keys, drafts, strict=True))
    current = st.session_state.get(CURRENT)
    index = keys.index(current) if current in keys else 0
    chosen = st.selectbox(
        "Concept",
        keys,
        index=index,
        format_func=lambda k: _label(by_key[k], actor, names),
        key="werkplaats-kies",
        help="Je eigen concepten. Heb je publicatierecht, dan ook de concepten die andere auteurs aanbieden.",
    )
    if chosen != current:
        st.session_state[CURRENT] = chosen
        st.session_state.pop(TEST, None)
    draft = by_key[chosen]
    with st.spinner("Het concept wordt gecontroleerd …"):  # workshop.check remembers what it checked
        checked = workshop.check(draft.yaml)
    return Open(draft, checked, draft.owner_id == actor.id)


def new_draft(store: Store, actor: Account, has_drafts: bool) -> None:
    """Start a draft: from a library scenario, an uploaded YAML or Twee file, or pasted YAML."""
    with st.expander("Nieuw concept", expanded=not has_drafts):
        how = st.radio(
            "Waarmee begin je?",
            ["Een scenario uit de bibliotheek", "Een bestand (YAML of Twine)", "Plakken"],
            horizontal=True,
            key="werkplaats-nieuw",
        )
        if how == "Een scenario uit de bibliotheek":
            library = context.library()
            options = [s.id for s in library.sorted()]
            picked = st.selectbox(
                "Scenario", options, format_func=lambda i: library.scenarios[i].title, key="werkplaats-bron"
            )
            if st.button("Maak een concept van dit scenario", key="werkplaats-van-bibliotheek"):
                _start(lambda: workshop.draft_from_library(store, actor, context.scenario_dir(), library, picked))
        elif how == "Een bestand (YAML of Twine)":
            upload = st.file_uploader(
                "Kies een scenariobestand (.yaml) of een Twine-verhaal (.twee)",
                type=UPLOAD_TYPES,
                key="werkplaats-upload",
                help="Hoogstens 1 MB. Uit Twine: kies in Twine 'Bibliotheek > Archief' of 'Verhaal > Details > Twee'.",
            )
            if upload is not None and st.button("Maak een concept van dit bestand", key="werkplaats-van-bestand"):
                _from_upload(store, actor, upload.name, upload.getvalue())
        else:
            text = st.text_area("Plak hier de YAML van een scenario", height=200, key="werkplaats-plak")
            if st.button("Maak een concept", key="werkplaats-van-plak", disabled=not text.strip()):
                _start(lambda: workshop.save_draft(store, actor, text, source="geplakt")[0])


def _start(make) -> None:
    try:
        draft = make()
    except workshop.WorkshopError as exc:
        st.error(str(exc))
        return
    st.session_state[CURRENT] = (draft.owner_id, draft.id)
    st.session_state.pop(TEST, None)
    flash("Het concept is gemaakt. Alleen jij ziet het, tot je het aanbiedt of publiceert.")
    st.rerun()


def _from_upload(store: Store, actor: Account, name: str, data: bytes) -> None:
    if len(data) > twee.MAX_CHARS:
        st.error("Dit bestand is te groot.")
        return
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        st.error("Dit bestand is geen tekst in UTF-8. Sla het op als UTF-8 en probeer het opnieuw.")
        return
    if name.lower().endswith((".twee", ".tw")) or text.lstrip().startswith("::"):
        try:
            result = twee.import_twee(text, source=name)
        except twee.TweeError as exc:
            st.error(f"Dit Twine-bestand kan niet worden gelezen: {exc}")
            return
        st.session_state["werkplaats-twine-notities"] = result.notes
        _start(lambda: workshop.save_draft(store, actor, result.yaml, source="twine")[0])
    else:
        _start(lambda: workshop.save_draft(store, actor, text, source="bestand")[0])


def twine_notes() -> None:
    notes = st.session_state.get("werkplaats-twine-notities")
    if notes:
        with st.expander(f"Wat er bij het lezen van het Twine-verhaal gebeurde ({len(notes)})"):
            st.caption("Meldingen van het importprogramma (in het Engels).")
            st.code("\n".join(notes), language=None, wrap_lines=True)


def summary(opened: Open, names: AccountNames) -> None:
    draft, checked = opened.draft, opened.checked
    who = "jou" if opened.mine else wording.escape_markdown(names.get(draft.owner_id, "een andere auteur"))
    st.caption(
        f"Concept van {who} · {SOURCES.get(draft.source, 'nieuw')} · laatst bewaard "
        f"{wording.short_date(draft.updated_at)}"
    )
    if checked.errors:
        st.error(
            f"De controle vindt {dutch.plural(len(checked.errors), 'fout', 'fouten')}. Je kunt het concept bewaren, "
            "maar pas publiceren als alle fouten zijn opgelost. Zie **Controle**."
        )
    elif checked.scenario is not None:
        st.success("Geen fouten: dit concept kan gepubliceerd worden.")


# --- Kaart ---------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _sketch(yaml_text: str) -> Scenario | None:
    return workshop.sketch(yaml_text)


def branch_map(opened: Open) -> None:
    scenario = opened.checked.scenario or _sketch(opened.draft.yaml)
    if scenario is None:
        st.info("De kaart verschijnt zodra de scènes, keuzes en eindes kloppen. Zie **Controle** voor wat er mist.")
        return
    if opened.checked.scenario is None:
        st.caption(
            "Voorlopige kaart: nog niet alles is ingevuld. Een einde zonder uitkomst staat er oranje (gemengd) op."
        )
    places = [""] + list(scenario.nodes) + list(scenario.endings)
    here = st.selectbox(
        "Markeer een plek",
        places,
        format_func=lambda p: p or "geen",
        key="werkplaats-markeer",
        help="De plek krijgt een dikke blauwe rand.",
    )
    dot = branchmap.to_dot(scenario, opened.checked.problems, highlight=here or None)
    st.graphviz_chart(dot, width="stretch")
    st.caption(
        "Blokken zijn keuzemomenten, gekleurde blokken zijn eindes (groen sterk, oranje gemengd, rood onder druk). "
        "Een stippellijn is een keuze met een voorwaarde. Rood omrand: de controle vond daar iets."
    )
    if st.button("Maak een SVG-bestand van de kaart", key="werkplaats-svg"):
        svg = branchmap.to_svg(dot)
        if svg is None:
            st.warning("Een SVG maken lukt hier niet. Je kunt de kaart als DOT-bestand (Graphviz) downloaden.")
            st.download_button("Download de kaart (DOT)", dot, f"{scenario.id}.dot", "text/vnd.graphviz")
        else:
            st.download_button("Download de kaart (SVG)", svg, f"{scenario.id}-kaart.svg", "image/svg+xml")


# --- Controle ------------------------------------------------------------------------------------


def _excerpt(yaml_text: str, line: int | None) -> str:
    if not line:
        return ""
    lines = yaml_text.splitlines()
    start, end = max(0, line - 3), min(len(lines), line + 2)
    return "\n".join(f"{n + 1:>4}{'>' if n + 1 == line else ' '} {lines[n]}" for n in range(start, end))


def _findings(title: str, found: list[Problem], yaml_text: str, kind: str) -> None:
    st.markdown(f"**{title}** ({len(found)})")
    for index, problem in enumerate(found[:200]):
        where = f"regel {problem.line}" if problem.line else "het hele bestand"
        place = branchmap.place_of(problem.location) if problem.location else None
        label = wording.escape_markdown(f"{where}{f' · {problem.location}' if problem.location else ''}")
        with st.expander(f"{'⛔' if kind == 'error' else '💡'} {label}", expanded=kind == "error" and index < 3):
            st.text(problem.message)
            excerpt = _excerpt(yaml_text, problem.line)
            if excerpt:
                st.code(excerpt, language="yaml")
            if place:
                st.caption(f"Op de kaart: {wording.escape_markdown(place)}. In **Testen** kun je hier beginnen.")


def checks(opened: Open) -> None:
    checked, text = opened.checked, opened.draft.yaml
    st.caption(
        "De controle is die van `python -m modules lint --strict`. De meldingen zijn in het Engels, "
        "met de namen van het bestandsformaat; elke melding toont de regels waar het om gaat."
    )
    if not checked.problems and not checked.advice:
        st.success("De controle vindt niets: geen fouten en geen adviezen.")
    if checked.errors:
        _findings("Fouten: los deze op voor je publiceert", checked.errors, text, "error")
    if checked.warnings:
        _findings("Waarschuwingen en kwaliteitsadvies", checked.warnings, text, "advice")
    if checked.figures is not None and checked.scenario is not None:
        figures_table(checked.scenario, checked.figures)


def figures_table(scenario: Scenario, found: quality.Figures) -> None:
    st.markdown("**Cijfers van het scenario**")
    rows = [
        ("Keuzemomenten", f"{found.decisions}"),
        ("Keuzes", f"{found.choices}"),
        ("Eindes", f"{found.endings}"),
        ("Verschillende routes", f"{found.paths}"),
        ("Keuzemomenten met twee verdedigbare opties", f"{found.trade_offs} ({found.trade_off_share:.0%})"),
        ("Keuzes die alleen goed of alleen fout zijn", f"{found.one_sided} ({found.one_sided_share:.0%})"),
        ("Woorden in het hele scenario", f"{found.words}"),
        ("Woorden op een gemiddelde route", f"{found.path_words:.0f}"),
        ("Leestijd van een route", f"ongeveer {found.reading_minutes:.0f} minuten"),
    ]
    if found.readability is not None:
        rows.append(("Leesbaarheid van de feedback (Flesch–Douma)", f"{found.readability:.0f}"))
    st.dataframe([{"Wat": a, "Waarde": b} for a, b in rows], hide_index=True, key="werkplaats-cijfers")
    st.markdown("**Eindes bij willekeurig spelen**")
    st.dataframe(
        [
            {
                "Einde": scenario.endings[e].title,
                "Uitkomst": branchmap.outcome_label(scenario.endings[e].outcome),
                "Kans": f"{share:.0%}",
                "Routes": found.ending_paths.get(e, 0),
            }
            for e, share in found.ending_share.items()
        ],
        hide_index=True,
        key="werkplaats-eindes",
    )
    catalogue = context.catalogue().by_id()
    principles = sorted(set(found.honoured) | set(found.neglected))
    st.markdown("**Principes: hoe vaak een keuze ze naleeft (+) of verwaarloost (−)**")
    st.dataframe(
        [
            {
                "Principe": catalogue[p].name if p in catalogue else p,
                "+": found.honoured.get(p, 0),
                "−": found.neglected.get(p, 0),
            }
            for p in principles
        ],
        hide_index=True,
        key="werkplaats-principes",
    )


# --- Testen --------------------------------------------------------------------------------------


def test_play(opened: Open) -> None:
    scenario = opened.checked.scenario
    if scenario is None:
        st.info("Testen kan zodra de opbouw van het concept klopt (zie Controle).")
        return
    states: list[PlayState] = st.session_state.get(TEST) or []
    if states and states[0].scenario_id != scenario.id:
        states = []
    with st.form("werkplaats-test-start"):
        st.markdown("**Test vanaf hier**")
        places = [n for n, node in scenario.nodes.items() if node.choices] + list(scenario.endings)
        place = st.selectbox("Begin bij", places, index=places.index(scenario.start) if scenario.start in places else 0)
        values = {}
        columns = st.columns(min(3, max(1, len(scenario.variables))))
        for index, (name, var) in enumerate(scenario.variables.items()):
            values[name] = columns[index % len(columns)].number_input(
                f"{var.label} ({name})", min_value=var.min, max_value=var.max, value=var.initial, step=1
            )
        if st.form_submit_button("Start hier"):
            states = [engine.start_at(scenario, place, values)]
            st.session_state[TEST] = states
    if not states:
        st.caption("Kies een plek en de waarden van de variabelen, en start. Er wordt niets opgeslagen.")
        return
    play_column, inspector_column = st.columns([3, 2])
    with play_column:
        _test_scene(scenario, states)
    with inspector_column:
        inspector(scenario, states)


def _test_scene(scenario: Scenario, states: list[PlayState]) -> None:
    state = states[-1]
    shown = engine.view(scenario, state)
    last = st.session_state.get("werkplaats-test-gevolg")
    if last and len(states) > 1:
        with st.container(border=True):
            st.markdown("**Reactie op je laatste keuze**")
            st.markdown(last[0])
            st.caption(f"Feedback: {last[1]}")
    st.markdown(f"**Plek:** `{shown.node_id}`")
    if shown.text:
        st.markdown(shown.text)
    scenes.show_lines(scenario, shown.lines)
    if shown.finished and shown.ending is not None:
        st.info(f"Einde: {shown.ending.title} ({branchmap.outcome_label(shown.ending.outcome)})")
    for choice in shown.choices:
        condition = f" · alleen als `{choice.condition}`" if choice.condition else ""
        text, pick = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{choice.id}**{condition}  \n{choice.text}")
        if pick.button("Kies", key=f"werkplaats-test-{len(states)}-{choice.id}", width="stretch"):
            after, consequence = engine.choose(scenario, state, choice.id)
            st.session_state[TEST] = [*states, after]
            st.session_state["werkplaats-test-gevolg"] = (choice.reaction, choice.feedback)
            st.rerun()
    back, again = st.columns(2)
    if back.button("Stap terug", key="werkplaats-terug", disabled=len(states) < 2):
        st.session_state[TEST] = states[:-1]
        st.session_state.pop("werkplaats-test-gevolg", None)
        st.rerun()
    if again.button("Opnieuw", key="werkplaats-opnieuw"):
        st.session_state[TEST] = states[:1]
        st.session_state.pop("werkplaats-test-gevolg", None)
        st.rerun()


def inspector(scenario: Scenario, states: list[PlayState]) -> None:
    """Every variable: its value now, and its value after each step of the test."""
    st.markdown("**Variabelen**")
    rows = []
    for name, var in scenario.variables.items():
        row = {"Variabele": name, "Nu": states[-1].variables[name], "Bereik": f"{var.min}–{var.max}"}
        for step, state in enumerate(states[1:], start=1):
            change = state.steps[-1].changes.get(name, 0) if state.steps else 0
            row[f"Stap {step}"] = f"{state.variables[name]} ({change:+d})" if change else str(state.variables[name])
        row["Zichtbaar"] = "ja" if var.visible else "nee"
        rows.append(row)
    st.dataframe(rows, hide_index=True, key="werkplaats-inspector")
    if len(states) > 1:
        taken = [f"{s.steps[-1].node} → {s.steps[-1].choice}" for s in states[1:] if s.steps]
        st.caption("Gekozen: " + " · ".join(taken))


# --- Bewerken ------------------------------------------------------------------------------------


def edit(store: Store, actor: Account, opened: Open) -> None:
    draft = opened.draft
    if not opened.mine:
        st.info("Dit concept is van een andere auteur: je kunt het lezen en publiceren, niet bewerken.")
        st.code(draft.yaml, language="yaml")
        return
    with st.form("werkplaats-bewerk"):
        text = st.text_area(
            "De YAML van je concept",
            value=draft.yaml,
            height=480,
            max_chars=workshop.MAX_FILE_BYTES,
            help="Zie scenarios/README.md voor het formaat. Opslaan controleert het concept meteen.",
        )
        saved = st.form_submit_button("Opslaan en controleren", type="primary")
    if saved:
        try:
            _, checked = workshop.save_draft(store, actor, text, draft_id=draft.id)
        except workshop.WorkshopError as exc:
            st.error(str(exc))
        else:
            found = len(checked.errors)
            flash(
                "Opgeslagen. "
                + (f"De controle vindt {dutch.plural(found, 'fout', 'fouten')}." if found else "Geen fouten.")
            )
            st.rerun()
    left, right = st.columns(2)
    left.download_button(
        "Download de YAML", draft.yaml, f"{draft.scenario_id or 'concept'}.yaml", "text/yaml", key="werkplaats-yaml"
    )
    scenario = opened.checked.scenario
    if scenario is not None:
        right.download_button(
            "Download voor Twine (.twee)",
            twee.export_twee(scenario),
            f"{scenario.id}.twee",
            "text/plain",
            key="werkplaats-twee",
            help="Open het bestand in Twine 2 met 'Bibliotheek > Importeren'.",
        )
    if st.button("Verwijder dit concept", key="werkplaats-verwijder"):
        workshop.delete_draft(store, actor, draft.id)
        st.session_state.pop(CURRENT, None)
        flash("Het concept is verwijderd.")
        st.rerun()


# --- Publiceren ----------------------------------------------------------------------------------


def publish(store: Store, actor: Account, opened: Open, names: AccountNames) -> None:
    draft, checked = opened.draft, opened.checked
    if accounts.can_publish(actor):
        st.markdown(
            "Publiceren zet het scenario in de bibliotheek: leraren kunnen het meteen spelen. "
            "De vorige versie blijft bewaard."
        )
        if st.button(
            "Publiceren",
            type="primary",
            key="werkplaats-publiceer",
            disabled=bool(checked.errors) or checked.scenario is None,
        ):
            try:
                version = workshop.publish(
                    store, actor, draft.owner_id, draft.id, context.scenario_dir(), context.library()
                )
            except workshop.WorkshopError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(CURRENT, None)
                flash(f"Gepubliceerd als versie {version.number}. Het scenario staat nu in de bibliotheek.")
                st.rerun()
        if checked.errors:
            st.caption("Los eerst de fouten op (zie Controle).")
    elif opened.mine:
        st.markdown(
            "Je mag niet zelf publiceren. Bied je concept aan: een beheerder of een auteur met publicatierecht "
            "kan het dan lezen en publiceren."
        )
        label = "Aanbieding intrekken" if draft.offered else "Aanbieden om te publiceren"
        if st.button(label, key="werkplaats-aanbieden"):
            workshop.offer(store, actor, draft.id, not draft.offered)
            flash("Je concept is aangeboden." if not draft.offered else "Je concept is niet meer aangeboden.")
            st.rerun()
    versions_view(store, draft.scenario_id, names)


def versions_view(store: Store, scenario_id: str, names: AccountNames) -> None:
    versions = workshop.history(store, scenario_id) if scenario_id else []
    st.markdown("**Versies in de bibliotheek**")
    if not versions:
        st.caption("Van dit scenario is nog geen versie gepubliceerd vanuit de Werkplaats.")
        return
    st.dataframe(
        [
            {
                "Versie": v.number,
                "Door": "het bestand vooraf"
                if v.number == 0
                else names.get(v.published_by or "", "verwijderd account"),
                "Wanneer": wording.short_date(v.published_at),
            }
            for v in versions
        ],
        hide_index=True,
        key="werkplaats-versies",
    )
    numbers = [v.number for v in versions if v.number > min(x.number for x in versions)]
    if numbers:
        shown = st.selectbox("Wat veranderde in versie", numbers, key="werkplaats-diff")
        by_number = {v.number: v for v in versions}
        older = max(n for n in by_number if n < shown)
        change = workshop.diff(by_number[older].yaml, by_number[shown].yaml, f"versie {older}", f"versie {shown}")
        st.code(change or "Geen verschil.", language="diff")


# --- Praktijkdata --------------------------------------------------------------------------------


@st.cache_data(ttl=60, max_entries=64, show_spinner="De praktijkdata worden geteld …")
def _practice_data(scenario_id: str, data_root: str) -> insights.PracticeData | None:
    """Counted at most once a minute per scenario and data folder (``data_root``, the cache key): it
    reads every teacher's play-throughs of the scenario."""
    scenario = context.library().get(scenario_id)
    if scenario is None:
        return None
    return insights.practice_data(scenario, context.store().scenario_attempts(scenario_id))


def practice(store: Store, opened: Open) -> None:
    data = _practice_data(opened.draft.scenario_id, str(store.root))
    if data is None:
        st.info("Praktijkdata zijn er voor gepubliceerde scenario's. Dit scenario staat nog niet in de bibliotheek.")
        return
    st.caption(
        f"Zonder namen: {data.attempts} keer gespeeld door {data.teachers} leraren, {data.finished} keer tot het "
        f"einde (bijgewerkt per minuut). Een cijfer verschijnt pas als er minstens {insights.MIN_ATTEMPTS} "
        "leraren achter staan. Deze cijfers zijn om het scenario te verbeteren, niet om mensen te volgen."
    )
    for decision in data.decisions:
        with st.expander(f"Keuzemoment {decision.node_id} · {decision.reached} keer bereikt"):
            if not decision.shown:
                st.caption(f"Te weinig leraren (minder dan {insights.MIN_ATTEMPTS}) om cijfers te tonen.")
                continue
            st.dataframe(
                [
                    {"Keuze": c.choice_id, "Tekst": c.text, "Gekozen": c.count, "Aandeel": f"{c.share:.0%}"}
                    for c in decision.choices
                ],
                hide_index=True,
                key=f"werkplaats-keuzes-{decision.node_id}",
            )
            if decision.median_seconds is not None:
                st.caption(f"Mediaan bedenktijd: {decision.median_seconds:.0f} seconden ({decision.timed} metingen).")
    if data.endings_shown:
        st.markdown("**Eindes**")
        st.dataframe(
            [{"Einde": e.title, "Bereikt": e.count, "Aandeel": f"{e.share:.0%}"} for e in data.endings],
            hide_index=True,
            key="werkplaats-praktijk-eindes",
        )
    if data.abandoned_shown and data.abandoned:
        st.markdown(f"**Gestopt zonder einde: {data.abandoned} keer**")
        st.dataframe(
            [{"Plek": a.node_id, "Gestopt": a.count, "Aandeel": f"{a.share:.0%}"} for a in data.stopped_at],
            hide_index=True,
            key="werkplaats-gestopt",
        )
