"""The parts of the coach's pages: Mijn leraren (invite code, filters, timeline, principle profile, shared
reflections, CSV) and Teamoverzicht (the cohort's charts, without names).

``development`` (filters with a Dutch period choice, timeline, principle profile over time) is the view
the coach's Mijn leraren and a user's own Mijn ontwikkeling share; ``ViewText`` holds what differs."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from modules import dutch
from modules.library.scenarios import Library
from modules.people import accounts, coaching
from modules.people import development as own
from modules.records import Account, Reflection, now
from modules.storage import Store
from modules.ui import wording
from modules.ui.widgets import threads
from modules.ui.widgets.charts import channel, chart, show, tooltip

md = wording.escape_markdown
BALANCE_TITLE = "Versterkt min onder druk"
FOLLOW_UP_TITLE = "Terugblik op het vorige voornemen"
SCENARIO_BAR = 18  # px per bar on the Teamoverzicht (two bars per scenario: started and finished)


def invite_code(store: Store, coach: Account) -> None:
    """The coach's invite code for teachers, and a button for a new one."""
    with st.container(border=True):
        st.markdown("**Jouw uitnodigingscode**")
        if coach.invite_code:
            st.code(coach.invite_code, language=None)
            st.caption(
                "Geef deze code aan een leraar. De leraar vult de code in op de pagina ‘Mijn coach’. "
                "Maak je een nieuwe code, dan werkt de oude niet meer. Leraren die al verbonden zijn, "
                "blijven verbonden."
            )
        else:
            st.caption("Je hebt nog geen code. Maak er een om leraren met je te laten verbinden.")
        if st.button("Maak een nieuwe code" if coach.invite_code else "Maak een code", key="coach-new-code"):
            accounts.new_invite_code(store, coach)
            st.rerun()


CSV_MADE = "coach-csv-made"


def csv_download(store: Store, coach: Account, library: Library) -> None:
    """CSV of the metadata of every reflection shared with me; the text only when asked."""
    st.subheader("Exporteren")
    include_text = st.checkbox("Ook de tekst van de reflecties", key="coach-csv-text")
    st.caption(
        "Het bestand (CSV, te openen in Excel) heeft één regel per gedeelde reflectie: leraar, scenario, datums, "
        "aantal reacties en of er een nieuwe reactie van de leraar is. "
        + (
            "De tekst van de reflecties staat er ook in. Bewaar het bestand veilig en deel het niet verder."
            if include_text
            else "De tekst van de reflecties staat er niet in."
        )
    )
    if not store.shares(coach_id=coach.id):
        st.caption("Er zijn nog geen reflecties met je gedeeld.")
        return
    # Built when asked, not on every rerun of the page: it reads every shared reflection.
    made = st.session_state.get(CSV_MADE)
    if st.button("Maak het bestand", key="coach-csv-make"):
        rows = coaching.load_export(store, coach, library, include_text)
        made = {
            "text": include_text,
            "data": coaching.export_csv(rows, include_text).encode(coaching.CSV_ENCODING),
            "at": f"{dutch.local(now()):%H:%M}",  # Dutch time, whatever the server's zone
        }
        st.session_state[CSV_MADE] = made
    if made is not None and made["text"] == include_text:
        st.download_button(
            "Download CSV",
            data=made["data"],
            file_name=coaching.CSV_FILE_NAME,
            mime="text/csv",
            key="coach-csv",
            on_click="ignore",
        )
        st.caption(f"Gemaakt om {made['at']}. Is er sindsdien iets gedeeld? Maak het bestand dan opnieuw.")


@dataclass(frozen=True)
class ViewText:
    """What the shared development view says when there is nothing (yet): about a teacher, or about yourself."""

    nothing_yet: str
    no_profile: str
    heading: str = "###"  # sections: under the teacher's name (h2) on Mijn leraren, under the page title on one's own


COACH_VIEW = ViewText(
    nothing_yet="Deze leraar heeft nog geen gesprek gespeeld en nog geen reflectie met je gedeeld.",
    no_profile="Nog geen afgerond gesprek. Het principeprofiel verschijnt als de leraar een scenario uitspeelt.",
)
OWN_VIEW = ViewText(
    nothing_yet="Je hebt nog geen gesprek gespeeld en nog geen reflectie geschreven. Kies een scenario om te beginnen.",
    no_profile="Nog geen afgerond gesprek. Je principeprofiel verschijnt als je een scenario uitspeelt.",
    heading="##",
)


def development(key: str, entries: list, rows: list[dict], text: ViewText) -> list:
    """Filters (scenario, principle, period), the timeline and the principle profile over time; returns the
    timeline entries the filters keep. Used by Mijn leraren (``key`` per teacher) and Mijn ontwikkeling."""
    chosen = filters(key, entries, rows)
    shown = coaching.filter_timeline(entries, chosen)
    timeline(entries, shown, text)
    principle_profile(rows, coaching.filter_rows(rows, chosen), bool(chosen.principle_id), text)
    return shown


def filters(key: str, entries: list, rows: list[dict]) -> coaching.Filters:
    """Scenario, principle and period, remembered per ``key`` (for a coach: per teacher)."""
    scenarios = coaching.scenario_options(entries)
    principles = coaching.principle_options(rows)
    cols = st.columns(3)
    scenario_id = cols[0].selectbox(
        "Scenario",
        [None, *scenarios],
        key=f"{key}-scenario",
        format_func=lambda s: "Alle scenario's" if s is None else scenarios[s],
    )
    principle_id = cols[1].selectbox(
        "Principe",
        [None, *principles],
        key=f"{key}-principle",
        format_func=lambda p: "Alle principes" if p is None else principles[p],
    )
    with cols[2]:
        period = period_picker(f"{key}-period")
    until = own.today()
    words = own.period_text(period, until, coaching.date_span(entries))
    if words:
        st.caption(f"Periode: {words[0].lower()}{words[1:]}")
    return own.filters(scenario_id, principle_id, period, until)


def period_picker(key: str) -> str:
    """A Dutch choice of period ('Afgelopen week' ... 'Alles'), not a calendar: Streamlit's date picker
    starts its weeks on Sunday and names the months in English. Returns a key of ``development.PERIODS``."""
    return st.selectbox(
        "Periode",
        list(own.PERIODS),
        key=key,
        format_func=lambda p: own.PERIODS[p],
        help="Tot en met vandaag. Kies ‘Alles’ om alles te zien.",
    )


def timeline(entries: list, shown: list, text: ViewText = COACH_VIEW) -> None:
    """Play-throughs and reflections (a coach: the shared ones; yourself: all of yours), newest first."""
    st.markdown(f"{text.heading} Tijdlijn")
    if not entries:
        st.info(text.nothing_yet)
    elif not shown:
        st.info("Niets gevonden met deze filters. Kies een ander scenario, principe of een ruimere periode.")
    for entry in shown:
        with st.container(border=True):
            if isinstance(entry, coaching.AttemptEntry):
                if entry.finished:
                    ending = (
                        f"{md(entry.ending_title)} ({entry.outcome_label})" if entry.ending_title else "einde onbekend"
                    )
                    status = f"afgerond: {ending}"
                else:
                    status = f"bezig ({dutch.plural(entry.steps, 'keuze', 'keuzes')})"
                st.markdown(f"💬 **Gesprek: {md(entry.scenario_title)}** — {status}")
                st.caption(wording.short_date(entry.date))
            elif isinstance(entry, own.OwnReflectionEntry):
                kind = "Reflectie op een teamsessie" if entry.team_session else "Reflectie"
                st.markdown(f"✍️ **{kind}: {md(entry.scenario_title)}**")
                notes = [f"Geschreven {wording.short_date(entry.date)}"]
                notes.append("gedeeld met je coach" if entry.shared else "alleen voor jou")
                if entry.looked_back:
                    notes.append("met een terugblik op je vorige voornemen")
                st.caption(" · ".join(notes))
            else:
                new = f" — **nieuw: {dutch.plural(entry.unread, 'reactie', 'reacties')}**" if entry.unread else ""
                st.markdown(f"✍️ **Reflectie gedeeld: {md(entry.scenario_title)}**{new}")
                st.caption(
                    f"Geschreven {wording.short_date(entry.date)} · gedeeld {wording.short_date(entry.shared_at)}"
                )


def principle_profile(
    rows: list[dict], shown_rows: list[dict], one_principle: bool, text: ViewText = COACH_VIEW
) -> None:
    """The balance per play-through as a line, and every principle per play-through as a heat map."""
    st.markdown(f"{text.heading} Principeprofiel door de tijd")
    if not rows:
        st.info(text.no_profile)
        return
    if not shown_rows:
        st.info("Geen principeprofiel met deze filters.")
        return
    balance = coaching.balance_rows(shown_rows)
    order = [b["label"] for b in balance]
    order_x = channel("label", "ordinal", sort=order, title="Gesprek", axis={"labelAngle": 0})
    line = chart(
        balance,
        {"type": "line", "point": True},
        {
            "x": order_x,
            "y": channel("balance", "quantitative", title=BALANCE_TITLE),
            "tooltip": tooltip(
                ("label", "nominal", "Gesprek"),
                ("scenario", "nominal", "Scenario"),
                ("day", "nominal", "Datum"),
                ("honoured", "quantitative", "Versterkt"),
                ("neglected", "quantitative", "Onder druk"),
                ("balance", "quantitative", BALANCE_TITLE),
            ),
        },
        height=240,
    )
    show(line)
    st.caption(
        "Per gesprek: hoeveel de keuzes principes versterkten, min hoeveel ze onder druk zetten. "
        + ("Alleen het gekozen principe telt mee." if one_principle else "Hoger is beter.")
    )
    heat = chart(
        shown_rows,
        "rect",
        {
            "x": order_x,
            "y": channel("principle", "nominal", title=None, axis={"labelLimit": 260}),
            "color": channel(
                "score", "quantitative", title="Score", scale={"scheme": "redyellowgreen", "domainMid": 0}
            ),
            "tooltip": tooltip(
                ("principle", "nominal", "Principe"),
                ("label", "nominal", "Gesprek"),
                ("scenario", "nominal", "Scenario"),
                ("score", "quantitative", "Score"),
            ),
        },
        height=22 * len({r["principle"] for r in shown_rows}) + 60,
    )
    show(heat)
    st.caption("Groen: het principe werd versterkt. Rood: het kwam onder druk.")


def shared_reflections(coach: Account, data: coaching.TeacherData, shown: list, library: Library) -> None:
    """The reflections this teacher shared, each with its comment thread."""
    st.markdown("### Gedeelde reflecties")
    shown_ids = {e.reflection_id for e in shown if isinstance(e, coaching.ReflectionEntry)}
    visible = [s for s in data.shared if s.reflection.id in shown_ids]
    if not data.shared:
        st.info("Deze leraar heeft nog geen reflectie met je gedeeld. De leraar kiest zelf welke reflecties je ziet.")
    elif not visible:
        st.info("Geen gedeelde reflecties met deze filters.")
    for item in visible:
        reflection = item.reflection
        unread = data.unread.get(reflection.id, 0)
        title = coaching.scenario_title(reflection.scenario_id, reflection.scenario_title, library)
        label = f"{md(title)} — {wording.short_date(reflection.created_at)}" + (" · nieuw" if unread else "")
        expander = threads.remembered_expander(label, key=f"coach-refl-{reflection.id}")
        if expander.open:
            with expander:
                st.caption(f"Gedeeld op {wording.short_date(item.share.shared_at)}")
                follow_up(reflection)
                threads.reflection_body(reflection)
                st.divider()
                threads.comment_thread(coach, data.teacher.id, reflection, key=reflection.id)


def follow_up(reflection: Reflection) -> None:
    """How the previous intention went, as the teacher wrote it in this reflection. Not the intention
    itself: it sits in another reflection, which may not be shared with the coach."""
    if not reflection.follow_up.strip():
        return
    st.markdown(f"**{FOLLOW_UP_TITLE}**")
    wording.user_text(reflection.follow_up)


def cohort_neglected(overview: coaching.CohortOverview) -> None:
    """Which principles come under pressure most often: a bar chart and a table."""
    st.markdown("## Welke principes komen het vaakst onder druk?")
    if not overview.neglected:
        st.info("Nog geen afgeronde gesprekken waarin een principe onder druk kwam.")
        return
    top = overview.neglected[:15]
    bars = chart(
        top,
        {"type": "bar", "color": "#c62828"},
        {
            "x": channel("attempts", "quantitative", title="Aantal afgeronde gesprekken", axis={"tickMinStep": 1}),
            "y": channel("principle", "nominal", sort="-x", title=None, axis={"labelLimit": 260}),
            "tooltip": tooltip(
                ("principle", "nominal", "Principe"),
                ("attempts", "quantitative", "Gesprekken"),
                ("weight", "quantitative", "Totaal onder druk"),
            ),
        },
        height=26 * len(top) + 40,
    )
    show(bars)
    st.caption(
        "Per principe: in hoeveel afgeronde gesprekken de keuzes het principe onder druk zetten. "
        "‘Totaal onder druk’ telt op hoe sterk dat gebeurde."
    )
    # st.table: every row visible and no (English) toolbar. It renders Markdown, so names are escaped.
    st.table(
        [
            {"Principe": md(r["principle"]), "Gesprekken": r["attempts"], "Totaal onder druk": r["weight"]}
            for r in overview.neglected
        ],
        hide_index=True,
        hide_header=False,
    )


def cohort_scenarios(overview: coaching.CohortOverview) -> None:
    """Which scenarios are started and finished: a bar chart and a table."""
    st.markdown("## Welke scenario's worden gespeeld?")
    if not overview.scenarios:
        st.info("Nog geen gesprekken gespeeld.")
        return
    long = [
        {"scenario": r["scenario"], "soort": kind, "aantal": r[key]}
        for r in overview.scenarios
        for kind, key in (("Gestart", "attempts"), ("Afgerond", "finished"))
    ]
    bars = chart(
        long,
        "bar",
        {
            "x": channel("aantal", "quantitative", title="Aantal gesprekken", axis={"tickMinStep": 1}),
            "y": channel("scenario", "nominal", title=None, axis={"labelLimit": 260}),
            "yOffset": channel("soort", "nominal", sort=["Gestart", "Afgerond"]),
            "color": channel(
                "soort",
                "nominal",
                scale={"domain": ["Gestart", "Afgerond"], "range": ["#90a4ae", "#2e7d32"]},
                legend={"title": None, "orient": "right"},
            ),
            "tooltip": tooltip(
                ("scenario", "nominal", "Scenario"), ("soort", "nominal", " "), ("aantal", "quantitative", "Aantal")
            ),
        },
        # A fixed pixel height squeezes the bars (axis and legend take their share of it): give every
        # bar its own step instead, so the chart grows with the number of scenarios.
        height={"step": SCENARIO_BAR},
    )
    show(bars)
    st.table(
        [
            {"Scenario": md(r["scenario"]), "Gestart": r["attempts"], "Afgerond": r["finished"]}
            for r in overview.scenarios
        ],
        hide_index=True,
        hide_header=False,
    )
