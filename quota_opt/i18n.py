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
    "page.midyear": ("Halverwege het jaar", "Mid-year"),
    "page.compare": ("Vergelijken", "Compare"),
    "page.export": ("Exporteren", "Export"),
    "page.history": ("Geschiedenis", "History"),
    "app.author": ("Uw naam", "Your name"),
    "app.author_help": ("Staat bij elke berekening en elk besluit dat de app in de opslag bewaart.",
                        "Recorded with every run and decision the app saves in the store."),
    "store.not_saved": ("Deze berekening staat in de sessie, maar is niet in de opslag bewaard: {error}",
                        "This run is in the session but was not saved in the store: {error}"),
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
    "col.stability_weight": ("Gewicht van planstabiliteit", "Plan stability weight"),
    "col.objective_kind": ("Doelfunctie", "Objective"),
    "col.self_searching": ("Zoekt zelf", "Self-searching"),
    "col.uptake_in": ("Prognose zelf gevonden {period}", "Forecast uptake {period}"),
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
    "help.stability_weight": ("Kosten per woning die verschuift ten opzichte van het vorige plan (per groep, "
                              "corporatie, woningtype en periode); telt alleen bij herplannen halverwege het "
                              "jaar. 0: het vorige plan telt niet mee.",
                              "Cost per dwelling moved against the previous plan (per group, corporation, dwelling "
                              "type and period); counts only when re-planning mid-year. 0: the previous plan does "
                              "not count."),
    "help.objective": ("Gewogen som: de doelfunctie van het model. Eerlijk: eerst het grootste aandeel te lang "
                       "wachtenden over de groepen zo klein mogelijk, dan de gewogen som.",
                       "Weighted sum: the model's objective. Fair: first the largest overdue share over the "
                       "groups as small as possible, then the weighted sum."),
    "help.self_searching": ("De groep vindt zelf woningen (zoals urgenten via WoningNet); geef dan per periode een "
                            "prognose. Het plan kan hun aantal alleen verlagen, door minder woningen voor hen open "
                            "te stellen.",
                            "The group finds dwellings itself (like urgent cases on WoningNet); then give a "
                            "forecast per period. The plan can only lower their number, by exposing fewer "
                            "dwellings to them."),
    "help.forecast_uptake": ("Verwacht aantal woningen dat een zelfzoekende groep in deze periode vindt; leeg "
                             "voor groepen die niet zelf zoeken.",
                             "Dwellings a self-searching group is expected to find in this period; blank for "
                             "groups that do not search themselves."),
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
    "solve.objective": ("Doelfunctie", "Objective"),
    "solve.objective_help": ("Gewogen som: gewogen huishoudmaanden te lang gewacht plus afwijking van quota. "
                             "Eerlijk: eerst het grootste aandeel te lang wachtenden over de groepen zo klein "
                             "mogelijk, dan de gewogen som; het plan van de gewogen som wordt ernaast getoond.",
                             "Weighted sum: weighted household-months beyond target plus quota deviation. Fair: "
                             "first the largest overdue share over the groups as small as possible, then the "
                             "weighted sum; the weighted sum's plan is shown beside it."),
    "objective.weighted": ("Gewogen som", "Weighted sum"),
    "objective.fair": ("Eerlijk (grootste achterstand eerst)", "Fair (largest overdue share first)"),
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
    "status.short.running": ("loopt", "running"),
    "status.short.interrupted": ("afgebroken", "interrupted"),
    "side.lower": ("minimum te hoog", "minimum too high"),
    "side.upper": ("maximum te laag", "maximum too low"),
    "run.kind.optimised": ("geoptimaliseerd", "optimised"),
    "run.kind.revised": ("herzien halverwege het jaar", "revised mid-year"),
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

    # fair objective
    "fair.title": ("Eerlijke doelfunctie", "Fair objective"),
    "fair.help": ("Dit plan maakt eerst het grootste aandeel te lang wachtenden over de groepen zo klein mogelijk "
                  "en daarbinnen de gewogen som. Ernaast: het plan van alleen de gewogen som.",
                  "This plan first makes the largest overdue share over the groups as small as possible, and "
                  "within that the weighted sum. Beside it: the plan of the weighted sum alone."),
    "fair.share_fair": ("Grootste aandeel te laat (eerlijk)", "Largest overdue share (fair)"),
    "fair.share_weighted": ("Grootste aandeel te laat (gewogen)", "Largest overdue share (weighted)"),
    "fair.share_help": ("Per groep: het deel van de huishoudens dat in een periode aan de beurt is en langer wacht "
                        "dan de streeftermijn, over het jaar; hier de groep waar dat deel het grootst is.",
                        "Per group: the part of the households due in a period that wait beyond the target, over "
                        "the year; here the group where that part is largest."),
    "fair.fair_plan": ("Eerlijk plan", "Fair plan"),
    "fair.weighted_plan": ("Plan gewogen som", "Weighted-sum plan"),
    "fair.no_weighted": ("Het plan van de gewogen som is niet gevonden binnen de tijdslimiet.",
                         "The weighted sum's plan was not found within the time limit."),

    # mid-year
    "midyear.title": ("Halverwege het jaar", "Mid-year"),
    "midyear.intro": ("Plan de rest van het jaar opnieuw: de gerealiseerde perioden liggen vast, de toegezegde "
                      "perioden volgen het vorige plan, de rest wordt opnieuw geoptimaliseerd, zo dicht mogelijk "
                      "bij het vorige plan.",
                      "Re-plan the rest of the year: the realised periods are fixed, the committed periods follow "
                      "the previous plan, the rest is optimised again, as close to the previous plan as "
                      "worthwhile."),
    "midyear.step_previous": ("1. Het vorige plan", "1. The previous plan"),
    "midyear.previous": ("Vastgesteld plan", "Adopted plan"),
    "midyear.previous_help": ("Het plan dat de stuurgroep vaststelde: een berekening uit deze sessie, of een "
                              "geüpload allocation.csv.",
                              "The plan the steering group adopted: a run of this session, or an uploaded "
                              "allocation.csv."),
    "midyear.previous_upload_choice": ("Een allocation.csv uploaden…", "Upload an allocation.csv…"),
    "midyear.previous_upload": ("Vorig plan (allocation.csv of allocation.xlsx)",
                                "Previous plan (allocation.csv or allocation.xlsx)"),
    "midyear.previous_upload_help": ("Het bestand dat quota-opt schreef; het hoort bij het huidige scenario.",
                                     "The file quota-opt wrote; it belongs to the current scenario."),
    "midyear.previous_facts": ("Plan voor scenario {scenario}: {rows} regels, {dwellings} woningen.",
                               "Plan for scenario {scenario}: {rows} rows, {dwellings} dwellings."),
    "midyear.no_plan_yet": ("Nog geen plan in deze sessie: los eerst op op de pagina Oplossen, of upload een plan.",
                            "No plan in this session yet: solve on the Solve page first, or upload a plan."),
    "midyear.step_realised": ("2. Wat is er gerealiseerd", "2. What was realised"),
    "midyear.realised_upload": ("Gerealiseerde toewijzingen (CSV of Excel)", "Realised allocations (CSV or Excel)"),
    "midyear.realised_upload_help": ("Kolommen als allocation.csv: group, dwelling_type, corporation, district, "
                                     "period, dwellings. Een Excel-bestand mag een blad 'updates' hebben met nieuwe "
                                     "prognoses (group, field, period, value).",
                                     "Columns as in allocation.csv: group, dwelling_type, corporation, district, "
                                     "period, dwellings. An Excel file may hold a sheet 'updates' with new "
                                     "forecasts (group, field, period, value)."),
    "midyear.demo_help": ("Geen bestand bij de hand? Neem het vorige plan tot en met de gekozen periode als "
                          "gerealiseerd.", "No file at hand? Take the previous plan up to the chosen period as "
                          "realised."),
    "midyear.demo": ("Plan als gerealiseerd nemen", "Take the plan as realised"),
    "midyear.example": ("Voorbeeld: {name}", "Example: {name}"),
    "midyear.file_invalid": ("{name} is niet gelezen: {n} probleem/problemen.", "{name} was not read: {n} problem(s)."),
    "midyear.fixed_through": ("Gerealiseerd tot en met", "Realised up to and including"),
    "midyear.fixed_through_help": ("Deze periode en alle eerdere liggen vast op wat er gerealiseerd is.",
                                   "This period and all before it are fixed at what was realised."),
    "midyear.commit_lag": ("Toegezegde perioden (in de pijplijn)", "Committed periods (in the pipeline)"),
    "midyear.commit_lag_help": ("Zoveel perioden na de gerealiseerde blijven zoals in het vorige plan: de "
                                "aanbiedingen lopen al. Zelfzoekende groepen nemen daarin hun prognose.",
                                "This many periods after the realised ones stay as in the previous plan: the offers "
                                "are already out. Self-searching groups take their forecast in them."),
    "midyear.source_plan": ("het vorige plan ({name})", "the previous plan ({name})"),
    "midyear.realised_facts": ("Gerealiseerd: {rows} regels, {dwellings} woningen, uit {source}; {updates} "
                               "prognose-update(s).", "Realised: {rows} rows, {dwellings} dwellings, from {source}; "
                               "{updates} forecast update(s)."),
    "midyear.realised_table": ("Gerealiseerde toewijzingen bekijken", "Look at the realised allocations"),
    "midyear.updates": ("Nieuwe prognoses (optioneel)", "Updated forecasts (optional)"),
    "midyear.updates_upload": ("Prognose-updates (CSV of Excel)", "Forecast updates (CSV or Excel)"),
    "midyear.updates_help": ("Eén regel per wijziging: group, field, period, value; field is inflow, "
                             "forecast_uptake, waiting_start, overdue_start, quota of weight.",
                             "One row per change: group, field, period, value; field is inflow, forecast_uptake, "
                             "waiting_start, overdue_start, quota or weight."),
    "midyear.step_resolve": ("3. Opnieuw plannen", "3. Re-plan"),
    "midyear.default_name": ("Herzien na {period}", "Revised after {period}"),
    "midyear.need_previous": ("Kies of upload eerst het vorige plan.", "Choose or upload the previous plan first."),
    "midyear.need_realised": ("Upload eerst wat er gerealiseerd is, of neem het plan als gerealiseerd.",
                              "Upload what was realised first, or take the plan as realised."),
    "midyear.button": ("Opnieuw plannen", "Re-solve"),
    "midyear.invalid": ("Niet opnieuw gepland: {n} probleem/problemen in het samengestelde scenario.",
                        "Not re-solved: {n} problem(s) in the merged scenario."),
    "midyear.running": ("HiGHS plant de rest van het jaar…", "HiGHS is re-planning the rest of the year…"),
    "midyear.no_runs": ("Nog geen herziene plannen: kies hierboven het vorige plan en wat er gerealiseerd is, en "
                        "druk op **Opnieuw plannen**.",
                        "No revised plans yet: choose the previous plan and what was realised above, and press "
                        "**Re-solve**."),
    "midyear.result": ("Het herziene plan", "The revised plan"),
    "midyear.periods": ("Vorig plan: {previous} · gerealiseerd uit {source}: {fixed} · toegezegd: {committed} · "
                        "opnieuw gepland: {free}",
                        "Previous plan: {previous} · realised from {source}: {fixed} · committed: {committed} · "
                        "re-planned: {free}"),
    "midyear.delta_note": ("De kleine cijfers zijn het verschil met het vorige plan ({name}); groen is beter.",
                           "The small figures are the difference with the previous plan ({name}); green is better."),
    "midyear.changes": ("Wat is er veranderd", "What changed"),
    "midyear.dimension": ("Per", "By"),
    "midyear.whole_year": ("Hele jaar", "Whole year"),
    "midyear.moved": ("Woningen verschoven", "Dwellings moved"),
    "midyear.moved_help": ("Woningen die in de nog te plannen perioden ({periods}) van het ene contingent (groep, "
                           "corporatie, woningtype, periode) van het vorige plan naar een ander gaan.",
                           "Dwellings that, in the periods still to plan ({periods}), go from one contingent "
                           "(group, corporation, dwelling type, period) of the previous plan to another."),
    "midyear.col.planned": ("Gepland", "Planned"),
    "midyear.col.realised": ("Gerealiseerd", "Realised"),
    "midyear.col.realised_through": ("Gerealiseerd t/m {period}", "Realised through {period}"),
    "midyear.col.revised": ("Herzien", "Revised"),
    "midyear.col.change": ("Verschil (herzien − gepland)", "Change (revised − planned)"),
    "midyear.chart_note": ("Per doelgroep over het hele jaar: het vorige plan, wat er tot nu toe gerealiseerd is, "
                           "en het herziene plan (gerealiseerd meegeteld).",
                           "Per group over the whole year: the previous plan, what was realised so far, and the "
                           "revised plan (realised included)."),
    "midyear.explain_title": ("Uitleg", "Explanation"),
    "midyear.explain_help": ("Wat is één woning extra waard, en één woning ruimte in een regel die knelt? Dat "
                             "wordt gemeten door ongeveer {n} keer opnieuw te rekenen.",
                             "What is one more dwelling worth, and one dwelling of room in a rule that binds? "
                             "Measured by re-solving about {n} times."),
    "midyear.explain": ("Leg uit", "Explain"),
    "midyear.explain_running": ("Opnieuw rekenen voor de uitleg…", "Re-solving for the explanation…"),
    "midyear.explain_progress": ("{seconds} s (naar schatting {expected} s)", "{seconds} s (about {expected} s expected)"),
    "midyear.marginal": ("Wat een woning extra, of een regel ruimer, oplevert", "What one more dwelling, or a looser rule, is worth"),
    "midyear.marginal_none": ("Geen perioden meer om te plannen: niets te meten.", "No periods left to plan: nothing to measure."),
    "midyear.exposure": ("Zelfzoekende groepen", "Self-searching groups"),
    "midyear.col.held_at_forecast": ("Huishoudmaanden te laat bij de prognose",
                                     "Overdue household-months at the forecast"),
    "midyear.col.with_plan": ("Idem met het plan", "The same with the plan"),
    "midyear.col.saved": ("Bespaard", "Saved"),
    "midyear.unmet": ("Onvervulde vraag aan het eind van het jaar", "Unmet demand at the end of the year"),
    "midyear.col.waiting_at_end": ("Nog wachtend", "Still waiting"),
    "midyear.col.overdue_at_end": ("Waarvan te lang", "Of which overdue"),
    "explain.more_dwelling": ("een extra woning van het type {type} in {period}",
                              "one more dwelling of type {type} in {period}"),
    "explain.relax": ("{rule} één woning ruimer maken", "relaxing {rule} by one dwelling"),
    "explain.effect.saves": ("{what} scheelt ongeveer {n} huishoudmaanden wachten boven de streeftermijn.",
                             "{what} saves about {n} household-months of waiting beyond target."),
    "explain.effect.adds": ("{what} kost ongeveer {n} huishoudmaanden extra wachten boven de streeftermijn.",
                            "{what} adds about {n} household-months of waiting beyond target."),
    "explain.effect.none": ("{what} scheelt geen huishoudmaanden wachten boven de streeftermijn.",
                            "{what} saves no household-months of waiting beyond target."),
    "explain.all_groups": ("alle groepen", "all groups"),
    "explain.in_period": (" in {period}", " in {period}"),
    "explain.rule.district_cap": ("het maximum in stadsdeel {district} voor {who}",
                                  "the district cap of {district} for {who}"),
    "explain.rule.max_housed": ("het jaarmaximum van {group}", "the maximum of {group} over the year"),
    "explain.rule.min_housed": ("het jaarminimum van {group}", "the minimum of {group} over the year"),
    "explain.rule.min_cumulative": ("het minimum van {group} tot en met {period}",
                                    "the minimum of {group} by the end of {period}"),
    "explain.rule.min_housed_per_period": ("het minimum van {group} in {period}", "the minimum of {group} in {period}"),
    "explain.rule.max_housed_per_period": ("het maximum van {group} in {period}", "the maximum of {group} in {period}"),
    "explain.exposure.nothing": ("Minder woningen openstellen voor {group} levert niets op: het plan laat hun aantal "
                                 "op de prognose.",
                                 "Lowering the exposure of {group} gains nothing: the plan leaves its uptake at the "
                                 "forecast."),
    "explain.exposure.gain": ("{n} woningen minder openstellen voor {group} verlaagt de doelfunctie met {objective}: "
                              "huishoudmaanden boven de streeftermijn bespaard voor {who}{cost} (netto {net} "
                              "huishoudmaanden).",
                              "Exposing {n} fewer dwellings to {group} lowers the objective by {objective}: "
                              "household-months beyond target saved for {who}{cost} (net {net} household-months)."),
    "explain.exposure.cost": ("; langer gewacht door {who}", "; waited longer by {who}"),
    "explain.exposure.no_group": ("geen groep", "no group"),
    "explain.exposure.infeasible": ("De prognose van de zelfzoekende groepen aanhouden laat geen uitvoerbaar plan "
                                    "over.", "Holding the self-searching uptake at its forecast leaves no feasible "
                                    "plan."),

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

    # history
    "history.title": ("Geschiedenis", "History"),
    "history.intro": ("Elke berekening van de app en van `quota-opt` wordt bewaard in de opslag ({store}): "
                      "met de versie van het scenario, de instellingen, de uitkomst en de toewijzing. Open een "
                      "berekening, vergelijk er twee of leg vast welk plan de stuurgroep heeft vastgesteld.",
                      "Every run of the app and of `quota-opt` is saved in the store ({store}): with the "
                      "scenario's version, the options, the outcome and the allocation. Open a run, compare "
                      "two, or record which plan the steering group adopted."),
    "history.store_failed": ("De opslag kan niet worden geopend: {error}", "The store cannot be opened: {error}"),
    "history.no_runs": ("Er zijn nog geen berekeningen bewaard. Los een scenario op op de pagina Oplossen.",
                        "No runs saved yet. Solve a scenario on the Solve page."),
    "history.filter": ("Scenario", "Scenario"),
    "history.all_scenarios": ("Alle scenario's", "All scenarios"),
    "history.count": ("{n} berekening(en)", "{n} run(s)"),
    "history.col.id": ("Nr.", "No."),
    "history.col.name": ("Naam", "Name"),
    "history.col.scenario": ("Scenario (versie)", "Scenario (version)"),
    "history.col.kind": ("Soort", "Kind"),
    "history.col.status": ("Status", "Status"),
    "history.col.objective": ("Doelfunctie", "Objective"),
    "history.col.started": ("Gestart", "Started"),
    "history.col.by": ("Door", "By"),
    "history.col.adopted": ("Vastgesteld", "Adopted"),
    "history.col.in_session": ("In deze sessie", "In this session"),
    "history.col.decision": ("Besluit", "Decision"),
    "history.col.adopted_at": ("Vastgesteld op", "Adopted on"),
    "history.col.adopted_by": ("Vastgesteld door", "Adopted by"),
    "history.col.note": ("Toelichting", "Note"),
    "history.adopted_by": ("✔ {when} door {by}", "✔ {when} by {by}"),
    "history.scenario_version": ("{name} v{version}", "{name} v{version}"),
    "history.kind.app": ("app", "app"),
    "history.kind.solve": ("opdrachtregel", "command line"),
    "history.kind.resolve": ("herzien halverwege het jaar", "revised mid-year"),
    "history.previous_unknown": ("het vorige plan", "the previous plan"),
    "history.realised_source": ("berekening #{id} uit de opslag", "run #{id} from the store"),
    "history.open_title": ("Berekening openen", "Open a run"),
    "history.which": ("Berekening", "Run"),
    "history.facts": ("**{name}**: scenario {scenario}, {kind}, {status}; gestart {started} door {by}.",
                      "**{name}**: scenario {scenario}, {kind}, {status}; started {started} by {by}."),
    "history.revises": ("Herziet berekening #{id}.", "Revises run #{id}."),
    "history.options": ("Instellingen: tijdslimiet {limit} s, gap {gap}.", "Options: time limit {limit} s, gap {gap}."),
    "history.kpis": ("Uitkomst zoals bewaard", "Outcome as saved"),
    "history.no_plan": ("Deze berekening heeft geen plan (status {status}); er valt niets te openen.",
                        "This run has no plan (status {status}); there is nothing to open."),
    "history.open_button": ("Openen in deze sessie", "Open in this session"),
    "history.opening": ("Berekening openen en beoordelen…", "Opening and judging the run…"),
    "history.scenario_source": ("opslag, versie {version}", "store, version {version}"),
    "history.open_help": ("Zet de berekening bij de berekeningen van deze sessie, zodat Oplossen en "
                          "resultaten, Vergelijken en Exporteren haar tonen.",
                          "Adds the run to this session's runs, so that Solve and results, Compare and Export "
                          "show it."),
    "history.scenario_button": ("Scenario van deze berekening bewerken", "Edit this run's scenario"),
    "history.opened": ("Berekening #{id} geopend als '{name}': zie Oplossen en resultaten, Vergelijken en Exporteren.",
                       "Run #{id} opened as '{name}': see Solve and results, Compare and Export."),
    "history.already_open": ("Berekening #{id} staat al in deze sessie als '{name}'.",
                             "Run #{id} is already in this session as '{name}'."),
    "history.scenario_loaded": ("Scenario '{name}' (versie {version}) geladen: zie de pagina Scenario.",
                                "Scenario '{name}' (version {version}) loaded: see the Scenario page."),
    "history.open_failed": ("Berekening #{id} kan niet worden geopend: {error}", "Run #{id} cannot be opened: {error}"),
    "history.compare_title": ("Twee berekeningen vergelijken", "Compare two runs"),
    "history.need_two": ("Vergelijken kan vanaf twee berekeningen met een plan.",
                         "Comparing needs two runs with a plan."),
    "history.compare_a": ("Berekening A", "Run A"),
    "history.compare_b": ("Berekening B", "Run B"),
    "history.moved": ("Woningen verschoven", "Dwellings moved"),
    "history.moved_help": ("De helft van de som van alle verschillen per doelgroep, woningtype, corporatie, "
                           "stadsdeel en periode, van A naar B.",
                           "Half the sum of all differences per group, dwelling type, corporation, district "
                           "and period, from A to B."),
    "history.same_version": ("Beide berekeningen horen bij dezelfde versie van het scenario.",
                             "Both runs belong to the same version of the scenario."),
    "history.other_versions": ("De berekeningen horen bij verschillende scenarioversies (v{a} en v{b}).",
                               "The runs belong to different scenario versions (v{a} and v{b})."),
    "history.per_group": ("Per doelgroep (Δ = B − A)", "Per group (Δ = B − A)"),
    "history.per_type": ("Woningen per woningtype en periode", "Dwellings per dwelling type and period"),
    "history.adopt_title": ("Plan vaststellen", "Adopt a plan"),
    "history.adopt_help": ("Leg vast welk plan de stuurgroep heeft vastgesteld, door wie en met welke toelichting. "
                           "Een besluit wordt bewaard en kan niet worden gewijzigd.",
                           "Record which plan the steering group adopted, by whom and with what note. A decision "
                           "is kept and cannot be changed."),
    "history.adopt_by": ("Vastgesteld door", "Adopted by"),
    "history.adopt_note": ("Toelichting", "Note"),
    "history.adopt_note_help": ("Wat is besloten, in welk overleg.", "What was decided, in which meeting."),
    "history.adopt_button": ("Vaststellen", "Adopt"),
    "history.adopted": ("Berekening #{id} vastgesteld door {by} (besluit {decision}).",
                        "Run #{id} adopted by {by} (decision {decision})."),
    "history.adopt_need_name": ("Vul in wie het besluit vastlegt.", "Say who records the decision."),
    "history.adopt_need_note": ("Een toelichting is verplicht: wat is besloten, in welk overleg.",
                                "A note is required: what was decided, in which meeting."),
    "history.adopt_failed": ("Het besluit is niet vastgelegd: {error}", "The decision was not recorded: {error}"),
    "history.no_adoptable": ("Er is nog geen berekening met een plan om vast te stellen.",
                             "There is no run with a plan to adopt yet."),
    "history.decisions": ("Besluiten", "Decisions"),
    "history.no_decisions": ("Er is nog geen plan vastgesteld.", "No plan has been adopted yet."),
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
    (r"^a self-searching group needs a forecast uptake per period$",
     "een groep die zelf zoekt heeft per periode een prognose nodig"),
    (r"^(\d+) entries, expected (\d+) \(one per period: (.*)\)$", r"\1 waarden, verwacht \2 (één per periode: \3)"),
    (r"^Input should be 'weighted' or 'fair'$", "moet 'weighted' of 'fair' zijn"),
    (r"^reaches past the last period \((.*)\): nothing left to plan$",
     r"reikt voorbij de laatste periode (\1): er valt niets meer te plannen"),
    (r"^is after fixed_through \((.*)\); only periods up to and including fixed_through can be realised$",
     r"ligt na de laatste gerealiseerde periode (\1); alleen perioden tot en met die periode kunnen gerealiseerd "
     r"zijn"),
    (r"^realised dwellings exceed the supply of cell corporation=(.*), district=(.*), dwelling_type=(.*), "
     r"period=(.*) \((\d+) offered\)$",
     r"gerealiseerde woningen zijn meer dan het aanbod van corporatie \1, stadsdeel \2, woningtype \3, periode \4 "
     r"(\5 aangeboden)"),
    (r"^the committed allocations \(commit lag\) exceed the supply of cell corporation=(.*), district=(.*), "
     r"dwelling_type=(.*), period=(.*) \((\d+) offered\)$",
     r"de toegezegde toewijzingen zijn meer dan het aanbod van corporatie \1, stadsdeel \2, woningtype \3, "
     r"periode \4 (\5 aangeboden)"),
    (r"^unknown file type; use \.csv or \.xlsx$", "onbekend bestandstype; gebruik .csv of .xlsx"),
    (r"^(an allocation table|an update table) needs the columns (.*); missing (.*)$",
     r"het bestand heeft de kolommen \2 nodig; ontbreekt: \3"),
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
