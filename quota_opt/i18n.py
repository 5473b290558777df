"""Page texts of the app in Dutch (the default: the steering group is Dutch) and English.

`t(key, lang, **values)` looks a text up and fills in `{values}`; labels of groups,
corporations and districts are not here: they come from the scenario."""

from __future__ import annotations

import math
import re

LANGUAGES = {"nl": "Nederlands", "en": "English"}
DEFAULT = "nl"

# key: (Dutch, English)
TEXTS: dict[str, tuple[str, str]] = {
    # app and navigation
    "app.language": ("Taal / Language", "Taal / Language"),
    "app.current_scenario": ("Scenario: **{name}** ({source})", "Scenario: **{name}** ({source})"),
    "app.runs_in_session": ("Berekeningen in deze sessie: {n}", "Runs in this session: {n}"),
    "page.scenario": ("Scenario", "Scenario"),
    "page.solve": ("Oplossen en resultaten", "Solve and results"),
    "page.compare": ("Vergelijken", "Compare"),
    "page.export": ("Exporteren", "Export"),
    "total": ("Totaal", "Total"),
    "points": ("{value} %-punt", "{value} pp"),

    # scenario page
    "scenario.title": ("Scenario", "Scenario"),
    "scenario.upload": ("Scenariobestand uploaden (YAML, JSON of Excel)",
                        "Upload a scenario file (YAML, JSON or Excel)"),
    "scenario.upload_help": ("Een bestand zoals quota-opt het schrijft; elke fout in het bestand wordt getoond.",
                             "A file as quota-opt writes it; every problem in the file is listed."),
    "scenario.upload_invalid": ("{name} is niet geladen: {n} probleem/problemen in het bestand.",
                                "{name} was not loaded: {n} problem(s) in the file."),
    "scenario.examples": ("Of kies een voorbeeldscenario", "Or pick an example scenario"),
    "scenario.load_example": ("Voorbeeld laden", "Load example"),
    "scenario.loaded": ("Scenario '{name}' geladen uit {source}.", "Scenario '{name}' loaded from {source}."),
    "scenario.about": ("Over dit scenario: bronnen en aannames", "About this scenario: sources and assumptions"),
    "scenario.realised": ("De toewijzingen tot en met {period} zijn gerealiseerd ({n} regels) en liggen vast; "
                          "ze staan niet in de tabellen hieronder.",
                          "Allocations up to and including {period} are realised ({n} rows) and fixed; "
                          "they are not in the tables below."),
    "scenario.edit_help": ("Pas de tabellen aan en druk op **Wijzigingen toepassen**. Er wordt pas gerekend "
                           "als u op de pagina Oplossen op **Oplossen** drukt.",
                           "Edit the tables and press **Apply changes**. Nothing is solved until you press "
                           "**Solve** on the Solve page."),
    "scenario.bounds_help": ("Harde grenzen per groep: minimaal of maximaal aantal woningen in een periode, of "
                             "minimaal aantal woningen tot en met een periode. Voeg rijen toe of verwijder ze.",
                             "Hard bounds per group: at least or at most this many dwellings in a period, or at "
                             "least this many by the end of a period. Add or delete rows."),
    "scenario.supply_help": ("Aanbod: woningen per corporatie, stadsdeel en woningtype (rijen) en periode "
                             "(kolommen). Rijen met dezelfde cel tellen op.",
                             "Supply: dwellings per corporation, district and dwelling type (rows) and period "
                             "(columns). Rows naming the same cell add up."),
    "scenario.supply_totals": ("Aanbod per corporatie en stadsdeel (alle typen en perioden)",
                               "Supply per corporation and district (all types and periods)"),
    "scenario.apply": ("Wijzigingen toepassen", "Apply changes"),
    "scenario.applied": ("Wijzigingen toegepast: het scenario is geldig. Ga naar Oplossen om te rekenen.",
                         "Changes applied: the scenario is valid. Go to Solve to optimise it."),
    "scenario.not_applied": ("Niet toegepast: {n} probleem/problemen, zie de rode meldingen onder de tabellen "
                             "(tabbladen met ⚠).",
                             "Not applied: {n} problem(s), see the red notes under the tables (tabs marked ⚠)."),
    "scenario.download": ("Scenario downloaden", "Download the scenario"),
    "scenario.download_yaml": ("YAML", "YAML"),
    "scenario.download_json": ("JSON", "JSON"),
    "scenario.download_xlsx": ("Excel", "Excel"),
    "facts.groups": ("Doelgroepen", "Groups"),
    "facts.periods": ("Perioden", "Periods"),
    "facts.supply": ("Woningen aangeboden", "Dwellings offered"),
    "facts.quota": ("Som van de quota", "Sum of quotas"),
    "facts.demand": ("Vraag (wachtend + instroom)", "Demand (waiting + inflow)"),
    "tab.groups": ("Doelgroepen", "Groups"),
    "tab.bounds": ("Grenzen per periode", "Bounds per period"),
    "tab.supply": ("Aanbod", "Supply"),
    "tab.rules": ("Regels", "Rules"),
    "tab.names": ("Namen", "Names"),
    "rules.spreading": ("Spreiding", "Spreading"),
    "rules.spreading_help": ("plaatsingen van een hoofdgroep naar rato van het aanbod over corporaties of "
                             "stadsdelen, binnen de marge", "a main group's placements in proportion to supply "
                             "over corporations or districts, within the tolerance"),
    "rules.district_caps": ("Maxima per stadsdeel", "District caps"),
    "rules.district_caps_help": ("hoogstens zoveel plaatsingen in het stadsdeel",
                                 "at most this many placements in the district"),
    "rules.min_batch": ("Minimale aantallen per corporatie", "Minimum batches"),
    "rules.min_batch_help": ("een groep die iets krijgt van een corporatie krijgt er minstens zoveel",
                             "a group that gets anything from a corporation gets at least this many"),
    "editor.all": ("(alle)", "(all)"),
    "help.all_groups": ("Leeg: alle hoofdgroepen samen.", "Blank: all main groups together."),
    "help.all_periods": ("Leeg: de hele planperiode.", "Blank: the whole horizon."),
    "kind.dwelling_types": ("Woningtype", "Dwelling type"),
    "kind.main_groups": ("Hoofdgroep", "Main group"),
    "kind.corporations": ("Corporatie", "Corporation"),
    "kind.districts": ("Stadsdeel", "District"),
    "bound.min_housed_per_period": ("minimaal in periode", "at least in period"),
    "bound.max_housed_per_period": ("maximaal in periode", "at most in period"),
    "bound.min_cumulative": ("minimaal tot en met periode", "at least by end of period"),
    "problem.group": ("Groep {name}", "Group {name}"),
    "problem.row": ("Rij {row}", "Row {row}"),
    "problem.column": ("kolom {column}", "column {column}"),
    "problem.value": (" (waarde: {value})", " (value: {value})"),
    "problem.field": ("Veld", "Field"),
    "problem.message": ("Probleem", "Problem"),
    "problem.value_header": ("Waarde", "Value"),

    # column headers (tables and editors)
    "col.id": ("id", "id"),
    "col.name": ("Naam van het scenario", "Scenario name"),
    "col.label": ("Naam", "Name"),
    "col.group": ("Doelgroep", "Group"),
    "col.main_group": ("Hoofdgroep", "Main group"),
    "col.main_group_label": ("Hoofdgroep", "Main group"),
    "col.eligible_types": ("Geschikte woningtypen", "Eligible dwelling types"),
    "col.weight": ("Gewicht", "Weight"),
    "col.target_months": ("Streeftermijn (maanden)", "Target (months)"),
    "col.waiting_start": ("Wachtend bij start", "Waiting at start"),
    "col.overdue_start": ("Waarvan al te lang", "Of which overdue"),
    "col.quota": ("Quotum", "Quota"),
    "col.min_housed": ("Minimaal (jaar)", "At least (horizon)"),
    "col.max_housed": ("Maximaal (jaar)", "At most (horizon)"),
    "col.inflow_in": ("Instroom {period}", "Inflow {period}"),
    "col.bound": ("Soort grens", "Kind of bound"),
    "col.period": ("Periode", "Period"),
    "col.dwellings": ("Woningen", "Dwellings"),
    "col.corporation": ("Corporatie", "Corporation"),
    "col.district": ("Stadsdeel", "District"),
    "col.dwelling_type": ("Woningtype", "Dwelling type"),
    "col.dimension": ("Spreiden over", "Spread over"),
    "col.tolerance": ("Marge", "Tolerance"),
    "col.max_dwellings": ("Maximaal aantal woningen", "Maximum dwellings"),
    "col.quota_weight": ("Gewicht van afwijken van het quotum", "Weight of deviating from a quota"),
    "col.housing_reward": ("Beloning per toegewezen woning", "Reward per dwelling allocated"),
    "col.housed_total": ("Gehuisvest", "Housed"),
    "col.quota_deviation": ("Afwijking van quotum", "Deviation from quota"),
    "col.overdue_household_months": ("Huishoudmaanden te lang gewacht", "Overdue household-months"),
    "col.weighted_overdue_household_months": ("Idem, gewogen", "The same, weighted"),
    "col.queue_end": ("Wachtrij aan het eind", "Queue at the end"),
    "col.housed_within_target": ("Binnen streeftermijn gehuisvest", "Housed within target"),
    "col.share_within_target": ("Aandeel binnen streeftermijn", "Share within target"),
    "col.objective": ("Doelfunctie", "Objective"),
    "col.rules_broken": ("Regels gebroken", "Rules broken"),
    "col.plan": ("Plan", "Plan"),
    "col.text": ("Regel", "Rule"),
    "col.give_way": ("Moet wijken (woningen)", "Must give way (dwellings)"),
    "col.side": ("Richting", "Direction"),
    "help.weight": ("Kosten van één huishoudmaand boven de streeftermijn voor deze groep.",
                    "Cost of one household-month beyond the target for this group."),
    "help.target_months": ("Leeg: de streeftermijn van het scenario. Een veelvoud van de periodelengte.",
                           "Blank: the scenario's target. A multiple of the period length."),
    "help.quota": ("Afgesproken aantal woningen voor het jaar; leeg: geen quotum.",
                   "Agreed number of dwellings for the horizon; blank: no quota."),
    "help.min_housed": ("Harde ondergrens voor het jaar; leeg: geen.", "Hard lower bound on the horizon; blank: none."),
    "help.max_housed": ("Harde bovengrens voor het jaar; leeg: geen.", "Hard upper bound on the horizon; blank: none."),
    "help.overdue_start": ("Deel van de wachtenden dat bij de start al langer wacht dan de streeftermijn.",
                           "Part of the starting queue already waiting longer than the target."),
    "help.quota_weight": ("Kosten per woning afwijking van een quotum (0: quota tellen niet mee).",
                          "Cost per dwelling of deviating from a quota (0: quotas do not count)."),
    "help.housing_reward": ("Kleine beloning per toegewezen woning, om niets onnodig leeg te laten.",
                            "Small reward per dwelling allocated, so that nothing is left unused."),
    "help.tolerance": ("0,25 = het aandeel mag 25 % afwijken van het aandeel in het aanbod.",
                       "0.25 = the share may differ by 25 % from the share of supply."),

    # solve page
    "solve.title": ("Oplossen en resultaten", "Solve and results"),
    "solve.scenario": ("Scenario: {name} ({source})", "Scenario: {name} ({source})"),
    "solve.unapplied_edits": ("Op de pagina Scenario staan wijzigingen met problemen die niet zijn toegepast; "
                              "er wordt gerekend met het laatste geldige scenario.",
                              "The Scenario page has edits with problems that were not applied; the last "
                              "valid scenario is solved."),
    "solve.time_limit": ("Tijdslimiet (seconden)", "Time limit (seconds)"),
    "solve.time_limit_help": ("HiGHS stopt na zoveel seconden en geeft het beste plan dat het tot dan vond.",
                              "HiGHS stops after this many seconds and returns the best plan found by then."),
    "solve.gap": ("Toegestane gap (%)", "Allowed gap (%)"),
    "solve.gap_help": ("Een plan telt als optimaal als het hoogstens zoveel procent van de ondergrens afligt.",
                       "A plan counts as optimal when it is at most this many percent from the bound."),
    "solve.run_name": ("Naam van deze berekening", "Name of this run"),
    "solve.default_name": ("Optimalisatie {n}", "Optimisation {n}"),
    "solve.button": ("Oplossen", "Solve"),
    "solve.show_log": ("Solverlog tonen", "Show the solver log"),
    "solve.running": ("HiGHS rekent…", "HiGHS is solving…"),
    "solve.starting": ("Model bouwen…", "Building the model…"),
    "solve.waiting": ("Wacht op een berekening van een andere sessie… {seconds} s",
                      "Waiting for another session's solve… {seconds} s"),
    "solve.progress": ("{seconds} s van {limit} s", "{seconds} s of {limit} s"),
    "solve.best": ("beste plan {value}", "best plan {value}"),
    "solve.gap_now": ("gap {gap}", "gap {gap}"),
    "solve.failed": ("Berekening mislukt", "Solve failed"),
    "solve.error": ("De solver gaf een fout: {error}", "The solver failed: {error}"),
    "solve.no_runs": ("Nog geen resultaten: druk op **Oplossen**.", "No results yet: press **Solve**."),
    "solve.log": ("Solverlog (HiGHS)", "Solver log (HiGHS)"),
    "solve.log_empty": ("(leeg)", "(empty)"),
    "status.optimal": ("Optimaal plan gevonden in {seconds} s (gap {gap}).",
                       "Optimal plan found in {seconds} s (gap {gap})."),
    "status.time_limit": ("Tijdslimiet van {limit} s bereikt: het beste gevonden plan wordt getoond "
                          "(gap {gap}, {seconds} s).",
                          "Time limit of {limit} s reached: the best plan found is shown (gap {gap}, {seconds} s)."),
    "status.no_solution": ("Geen plan gevonden binnen de tijdslimiet van {limit} s; verhoog de tijdslimiet.",
                           "No plan found within the time limit of {limit} s; raise the time limit."),
    "status.infeasible": ("Geen plan mogelijk: de harde regels van het scenario botsen. Hieronder staat welke "
                          "regel hoeveel moet wijken.",
                          "No plan exists: the scenario's hard rules conflict. Below is which rule must give "
                          "way and by how much."),
    "status.error": ("De solver stopte zonder plan ({seconds} s).", "The solver stopped without a plan ({seconds} s)."),
    "status.short.optimal": ("optimaal", "optimal"),
    "status.short.time_limit": ("tijdslimiet", "time limit"),
    "status.short.no_solution": ("geen plan", "no plan"),
    "status.short.infeasible": ("onuitvoerbaar", "infeasible"),
    "status.short.error": ("fout", "error"),
    "status.short.plan": ("plan", "plan"),
    "side.lower": ("minimum te hoog", "minimum too high"),
    "side.upper": ("maximum te laag", "maximum too low"),
    "run.kind.optimised": ("geoptimaliseerd", "optimised"),
    "run.kind.rule_of_thumb": ("vuistregel", "rule of thumb"),
    "run.kind.agreed_division": ("afgesproken verdeling", "agreed division"),
    "run.rule_of_thumb": ("Vuistregel", "Rule of thumb"),
    "run.agreed_division": ("Afgesproken verdeling", "Agreed division"),

    # results
    "results.run": ("Resultaat van", "Result of"),
    "results.objective": ("doelfunctie", "objective"),
    "results.objective_line": ("Doelfunctie **{objective}** (gewogen huishoudmaanden te lang gewacht, plus "
                               "afwijking van quota). De vuistregel van nu komt op {rule_of_thumb}: dit plan is "
                               "{gain} ({share}) beter.",
                               "Objective **{objective}** (weighted household-months beyond target, plus quota "
                               "deviation). Today's rule of thumb scores {rule_of_thumb}: this plan is {gain} "
                               "({share}) better."),
    "results.objective_line_rule_breaking": (
        "Doelfunctie **{objective}**. De vuistregel van nu komt lager uit ({rule_of_thumb}), maar breekt {broken} "
        "harde regel(s) van het scenario.",
        "Objective **{objective}**. Today's rule of thumb scores lower ({rule_of_thumb}) but breaks {broken} hard "
        "rule(s) of the scenario."),
    "results.reference_plan": ("Dit is een referentieplan ({kind}), beoordeeld met de doelfunctie van het scenario.",
                               "This is a reference plan ({kind}), judged by the scenario's objective."),
    "results.diagnosis": ("**Welke regels moeten wijken**", "**Which rules have to give way**"),
    "results.kpis": ("Kerncijfers", "Key figures"),
    "results.programme": ("Hele programma", "Whole programme"),
    "results.delta_note": ("De kleine cijfers zijn het verschil met de vuistregel van nu (elke woning naar rato "
                           "van de wachtrijen); groen is beter.",
                           "The small figures are the difference with today's rule of thumb (each dwelling pro "
                           "rata to the queues); green is better."),
    "results.charts": ("In beeld", "At a glance"),
    "results.per_group": ("Kerncijfers per doelgroep", "Key figures per group"),
    "results.rules_broken": ("Dit plan breekt {n} regel(s) van het scenario.",
                             "This plan breaks {n} rule(s) of the scenario."),
    "results.allocation": ("Toewijzing", "Allocation"),
    "results.all": ("alle", "all"),
    "results.allocation_count": ("{rows} regels, {dwellings} woningen", "{rows} rows, {dwellings} dwellings"),
    "kpi.housed_total": ("Gehuisvest", "Housed"),
    "kpi.share_within_target": ("Binnen streeftermijn", "Within target"),
    "kpi.overdue_household_months": ("Huishoudmaanden te laat", "Overdue household-months"),
    "kpi.queue_end": ("Wachtrij aan het eind", "Queue at the end"),
    "kpi_short.housed_total": ("Gehuisvest", "Housed"),
    "kpi_short.share_within_target": ("Binnen termijn", "Within target"),
    "kpi_short.overdue_household_months": ("Maanden te laat", "Months overdue"),
    "kpi_short.queue_end": ("Wachtrij eind", "Queue at end"),
    "kpi_help.housed_total": ("Huishoudens die in de planperiode een woning krijgen.",
                              "Households that get a dwelling within the horizon."),
    "kpi_help.share_within_target": ("Deel van de gehuisveste huishoudens dat binnen de streeftermijn een woning "
                                     "kreeg.", "Share of the households housed that were housed within the target."),
    "kpi_help.overdue_household_months": ("Som over de perioden van het aantal huishoudens dat langer dan de "
                                          "streeftermijn wacht, maal de periodelengte in maanden.",
                                          "Sum over the periods of households waiting beyond the target, times "
                                          "the period length in months."),
    "kpi_help.queue_end": ("Huishoudens die aan het eind van de planperiode nog wachten.",
                           "Households still waiting at the end of the horizon."),
    "chart.housed_vs_quota": ("Gehuisvest en quotum per groep", "Housed and quota per group"),
    "chart.per_period": ("Per kwartaal", "Per period"),
    "chart.corporation": ("Corporatie × hoofdgroep", "Corporation × main group"),
    "chart.district": ("Stadsdeel × hoofdgroep", "District × main group"),
    "chart.queue": ("Wachtrij in de tijd", "Queue over time"),
    "chart.quota_tick": ("Het zwarte streepje is het quotum van de groep.", "The black tick is the group's quota."),
    "chart.title.housed": ("Gehuisvest", "Housed"),
    "chart.title.quota": ("Quotum", "Quota"),
    "chart.title.group": ("Doelgroep", "Group"),
    "chart.title.main_group": ("Hoofdgroep", "Main group"),
    "chart.title.period": ("Periode", "Period"),
    "chart.title.dwellings": ("Woningen", "Dwellings"),
    "chart.title.queue": ("Wachtend", "Waiting"),
    "chart.title.overdue": ("Te lang wachtend", "Overdue"),
    "chart.title.start": ("start", "start"),
    "chart.title.run": ("Berekening", "Run"),
    "chart.title.corporation": ("Corporatie", "Corporation"),
    "chart.title.district": ("Stadsdeel", "District"),

    # compare
    "compare.title": ("Vergelijken", "Compare"),
    "compare.add_help": ("Voeg referentieplannen voor het huidige scenario (**{name}**) toe als berekening: de "
                         "afgesproken verdeling (elke groep zo dicht mogelijk bij haar quotum) en de vuistregel "
                         "van nu.",
                         "Add reference plans for the current scenario (**{name}**) as runs: the agreed division "
                         "(each group as close to its quota as the rules allow) and today's rule of thumb."),
    "compare.add_agreed": ("Afgesproken verdeling toevoegen", "Add the agreed division"),
    "compare.add_rule_of_thumb": ("Vuistregel toevoegen", "Add the rule of thumb"),
    "compare.agreed_running": ("De afgesproken verdeling wordt berekend…", "Working out the agreed division…"),
    "compare.agreed_failed": ("Geen plan volgt de afgesproken verdeling: {error}",
                              "No plan follows the agreed division: {error}"),
    "compare.added": ("'{name}' toegevoegd.", "'{name}' added."),
    "compare.no_runs": ("Nog geen berekeningen: los op, of voeg hierboven een referentieplan toe.",
                        "No runs yet: solve, or add a reference plan above."),
    "compare.runs": ("Berekeningen in deze sessie", "Runs in this session"),
    "compare.col.name": ("Naam", "Name"),
    "compare.col.kind": ("Soort", "Kind"),
    "compare.col.scenario": ("Scenario", "Scenario"),
    "compare.col.status": ("Status", "Status"),
    "compare.remove": ("Berekeningen verwijderen", "Remove runs"),
    "compare.remove_which": ("Welke", "Which"),
    "compare.remove_button": ("Verwijderen", "Remove"),
    "compare.which": ("Vergelijk", "Compare"),
    "compare.pick_two": ("Kies twee of meer berekeningen.", "Pick two or more runs."),
    "compare.different_scenarios": ("Let op: de berekeningen horen bij verschillende scenario's; elk is beoordeeld "
                                    "met de doelfunctie van zijn eigen scenario.",
                                    "Note: the runs belong to different scenarios; each is judged by its own "
                                    "scenario's objective."),
    "compare.programme": ("Hele programma", "Whole programme"),
    "compare.delta_note": ("Verschillen ten opzichte van '{name}'; groen is beter.",
                           "Differences against '{name}'; green is better."),
    "compare.main_groups": ("Per hoofdgroep", "Per main group"),
    "compare.per_group": ("Per doelgroep", "Per group"),
    "compare.kpi": ("Kerncijfer", "Key figure"),
    "compare.reference": ("Verschil ten opzichte van", "Difference against"),
    "compare.download": ("Vergelijking downloaden (Excel)", "Download the comparison (Excel)"),

    # export
    "export.title": ("Exporteren", "Export"),
    "export.no_runs": ("Nog niets te exporteren: los eerst op.", "Nothing to export yet: solve first."),
    "export.run": ("Berekening", "Run"),
    "export.workbook": ("Excel-werkboek (allocation.xlsx)", "Excel workbook (allocation.xlsx)"),
    "export.workbook_help": ("Samenvatting, kerncijfers per groep en hoofdgroep, groep × woningtype, groep × "
                             "periode, corporatie × hoofdgroep, stadsdeel × hoofdgroep, de toewijzing en de "
                             "kerncijfers van de vuistregel.",
                             "Summary, KPIs per group and main group, group × type, group × period, corporation × "
                             "main group, district × main group, the allocation, and the rule of thumb's KPIs."),
    "export.workbook_button": ("Werkboek downloaden", "Download the workbook"),
    "export.workbook_only_solved": ("Het werkboek hoort bij een optimalisatie met een plan; voor deze berekening "
                                    "zijn de CSV en de vergelijking beschikbaar.",
                                    "The workbook belongs to an optimisation with a plan; for this run the CSV and "
                                    "the comparison are available."),
    "export.tables": ("Losse bestanden", "Single files"),
    "export.csv_button": ("Toewijzing (CSV)", "Allocation (CSV)"),
    "export.summary_button": ("Samenvatting (JSON)", "Summary (JSON)"),
    "export.scenario_button": ("Scenario (YAML)", "Scenario (YAML)"),
    "export.tables_help": ("De CSV en de JSON zijn dezelfde bestanden als `quota-opt solve` schrijft.",
                           "The CSV and the JSON are the same files `quota-opt solve` writes."),
    "export.comparison": ("Vergelijking van alle berekeningen", "Comparison of all runs"),
    "export.comparison_button": ("Vergelijking downloaden (Excel)", "Download the comparison (Excel)"),
}


# Validation messages of the engine (English) and their Dutch wording; unmatched messages are
# shown as they are.
PROBLEM_MESSAGES_NL: list[tuple[str, str]] = [
    (r"^is required( but missing)?$", "is verplicht"),
    (r"^exceeds waiting_start \((\d+)\)$", r"is groter dan het aantal wachtenden bij de start (\1)"),
    (r"^Input should be greater than or equal to (\S+)$", r"moet minstens \1 zijn"),
    (r"^Input should be less than or equal to (\S+)$", r"mag hoogstens \1 zijn"),
    (r"^Input should be a valid integer.*$", "moet een geheel getal zijn"),
    (r"^Input should be a valid number.*$", "moet een getal zijn"),
    (r"^Input should be a finite number$", "moet een eindig getal zijn"),
    (r"^unknown (.+) id$", r"onbekende id (\1)"),
    (r"^must be a positive multiple of months_per_period \((\d+)\)$",
     r"moet een positief veelvoud zijn van de periodelengte (\1 maanden)"),
    (r"^this bound is already given for the period \(row (\d+)\)$",
     r"deze grens staat al voor deze periode (rij \1)"),
    (r"^more than one min_batch for the group$", "meer dan één minimaal aantal voor deze groep"),
    (r"^dwelling type listed twice$", "woningtype staat er twee keer in"),
    (r"^realised dwellings exceed the supply of cell (.*) \((\d+) offered\)$",
     r"gerealiseerde woningen zijn meer dan het aanbod in cel \1 (\2 aangeboden)"),
]


def problem_message(message: str, lang: str = DEFAULT) -> str:
    """A validation message in `lang` (the engine writes English)."""
    if lang == "en":
        return message
    for pattern, dutch in PROBLEM_MESSAGES_NL:
        if re.match(pattern, message):
            return re.sub(pattern, dutch, message)
    return message


def has(key: str) -> bool:
    return key in TEXTS


def t(key: str, lang: str = DEFAULT, **values) -> str:
    """The text `key` in `lang`, `{name}` fields filled from `values`; an unknown key is
    shown as itself, so a missing text is visible rather than fatal."""
    texts = TEXTS.get(key)
    if texts is None:
        return key
    text = texts[1] if lang == "en" else texts[0]
    return text.format(**values) if values else text


def format_number(value, lang: str = DEFAULT, decimals: int = 0) -> str:
    """1800 -> '1.800' (nl) or '1,800' (en); None -> '–'."""
    if value is None or value is _NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(value, lang: str = DEFAULT, decimals: int = 1) -> str:
    """0.7428 -> '74,3 %' (nl) or '74.3%' (en)."""
    if value is None or value is _NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = format_number(100 * float(value), lang, decimals)
    return f"{number} %" if lang != "en" else f"{number}%"


try:  # pandas' missing value, without making pandas a dependency of the texts
    from pandas import NA as _NA
except ImportError:  # pragma: no cover
    _NA = object()
