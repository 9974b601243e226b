"""Training: per instrument a short instruction (purpose, who and when, how to hold it, the consent script to
read aloud, good and poor examples), as data. The study trained connectors and community builders to hold
the Wijkwaardenkaart conversations; these pages carry that training, and the Wijkwaardenkaart can be
practised (``instruments.training_views``) without any answer counting anywhere.

Keys are the instruments the app knows (``coding.models.Instrument``). The consent scripts say only what the
app really does: conversation answers become fragments with the consent the resident chose (a pseudonym,
never a name); quotes are reviewed by a person before they leave the team (``coding.quotes``); a resident with
a personal code sees, corrects or erases their words at /mijn-gegevens/ (``web.residents``); forms without a
consent question (questionnaire, pause-and-reflect) and documents marked internal are never quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Instrument

Text = str | Promise

# How the real instrument is started: a form of this app, an Effectenplein meeting, or an uploaded document.
FORM, MEETING, DOCUMENT = "form", "meeting", "document"
# The one instrument that has a practice mode.
PRACTISED = {Instrument.WIJKWAARDENKAART.value}
# In a consent line, where the address of /mijn-gegevens/ goes.
ADDRESS = "%(address)s"

# The study's three questions (report: "De deelvragen in dit onderzoek bestaan uit drie clusters").
STUDY_QUESTIONS: dict[str, tuple[Text, Text]] = {
    "aanpak": (
        _("Question 1: approach"),
        _("How is the ABCD approach put into practice, and how do things around the work (environment factors) "
          "help or hinder it?"),
    ),
    "verandering": (
        _("Question 2: change"),
        _("What changes for residents and connectors, between people, and in the neighbourhood as a whole?"),
    ),
    "duurzaamheid": (
        _("Question 3: lasting"),
        _("What makes the approach last when the programme ends?"),
    ),
}  # fmt: skip

# Words of the field, explained in plain words.
TERMS: dict[str, tuple[Text, Text]] = {
    "abcd": (
        _("ABCD"),
        _("Asset-Based Community Development: you start from what is strong in a neighbourhood, not from its "
          "problems. Five principles: residents lead, focus on relations, start from what is strong, build "
          "from within, everyone is welcome."),
    ),
    "asset": (
        _("Asset"),
        _("Something strong in the neighbourhood: a resident's talent (head, heart or hands), a club, an "
          "institution, a place, a shop, a story, green."),
    ),
    "factor": (
        _("Environment factor"),
        _("Something around the work that helps or hinders it: rules and money of the municipality "
          "(governance), cooperation (relational), professionals' time and skills (professional), who lives "
          "there (societal), buildings and public space (physical)."),
    ),
    "effect_levels": (
        _("Three levels of change"),
        _("Change for one person (for example more self-confidence), between people (more contact, new "
          "ties) and in the neighbourhood as a whole (for example more pride or a new meeting place)."),
    ),
    "fragment": (
        _("Fragment"),
        _("A piece of text, such as an answer or a story. Researchers and community builders give it codes "
          "from the codebook, so that stories can be counted and compared."),
    ),
    "pseudonym": (
        _("Pseudonym"),
        _("A made-up name instead of the real name. Nobody outside the team can tell who it is."),
    ),
    "consent": (
        _("Consent"),
        _("What the person allows: use within the team only, or quoting without a name. They can change it "
          "later."),
    ),
    "quote_review": (
        _("Quote review"),
        _("Before words are shown outside the team, a person reads them, removes names and addresses the "
          "computer missed, and approves them."),
    ),
    "personal_code": (
        _("Personal code"),
        _("A code on a card for the resident. With it they see what was written down about them, correct it, "
          "stop quotes or have everything erased, without an account."),
    ),
    "praatplaat": (
        _("Praatplaat"),
        _("A picture of what residents value in the neighbourhood. Each theme leads to the stories behind "
          "it."),
    ),
    "focus": (
        _("Focus neighbourhood"),
        _("A neighbourhood that the study followed more closely, with conversations, visits and meetings."),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Example:
    text: Text
    good: bool
    why: Text


@dataclass(frozen=True)
class Instruction:
    instrument: str  # a coding.models.Instrument value
    kind: str  # FORM, MEETING or DOCUMENT
    purpose: Text
    study_questions: tuple[str, ...]  # keys of STUDY_QUESTIONS
    in_the_study: Text
    who: Text
    when: Text
    steps: tuple[Text, ...]
    consent_how: Text  # for the person holding it: when and how to ask
    consent_script: tuple[Text, ...]  # read aloud; a line with ADDRESS gets the address of /mijn-gegevens/
    examples: tuple[Example, ...]
    terms: tuple[str, ...]

    @property
    def title(self) -> str:
        return str(Instrument(self.instrument).label)

    @property
    def practised(self) -> bool:
        return self.instrument in PRACTISED


_NO_NAMES = _("Do not write down names of residents. Write ‘a resident’ or ‘a connector’.")

INSTRUCTIONS: dict[str, Instruction] = {
    i.instrument: i
    for i in [
        Instruction(
            instrument=Instrument.BUURTSCAN,
            kind=FORM,
            purpose=_(
                "A yearly picture of the neighbourhood: counting (figures from CBS) and telling (what is "
                "strong, which networks there are, what helps or hinders the work)."
            ),
            study_questions=("aanpak", "duurzaamheid"),
            in_the_study=_("In 2023 every neighbourhood of the study made a buurtscan."),
            who=_("The community builder, together with a few residents or connectors."),
            when=_("Once a year per neighbourhood. It takes about an hour, plus a walk."),
            steps=(
                _("Look at the CBS figures above the form: who lives here?"),
                _("Take a walk through the neighbourhood with a few residents."),
                _(
                    "Write down what is strong, one thing per row: talents, clubs, places, shops, stories, green."
                ),
                _("Write down what helps or hinders the work, and of what kind."),
                _(
                    "Send it. The assets go on the neighbourhood's asset map, the factors into the factor "
                    "balance."
                ),
            ),
            consent_how=_(
                "The buurtscan is about the neighbourhood, not about persons. Say this to the "
                "residents who walk along:"
            ),
            consent_script=(
                _("We make a picture of what is strong in this neighbourhood."),
                _("We write down places, groups and talents, not who said what."),
                _(
                    "We do not write down your name. Describe a talent without a name: ‘a resident who repairs "
                    "bicycles’."
                ),
            ),
            examples=(
                Example(
                    _(
                        "Walking group ‘Rondje Kronenburg’: every Tuesday, twelve regular walkers. Meeting "
                        "place: yes."
                    ),
                    True,
                    _("Concrete: what it is, how often, who comes."),
                ),
                Example(
                    _("A lot of trouble with young people."),
                    False,
                    _(
                        "This starts from a problem. Ask: what do the young people do well, where do they "
                        "meet?"
                    ),
                ),
                Example(
                    _("Mrs Jansen at number 12 cooks very well."),
                    False,
                    _("A name and an address. Write: ‘a resident who likes to cook for others’."),
                ),
            ),
            terms=("asset", "factor", "abcd"),
        ),
        Instruction(
            instrument=Instrument.VRAGENLIJST,
            kind=FORM,
            purpose=_(
                "How did you work along the five ABCD principles this year, what changed, what helped or "
                "hindered, and will it last?"
            ),
            study_questions=("aanpak", "verandering", "duurzaamheid"),
            in_the_study=_(
                "Project leaders and community builders filled it in every year, in 2023, 2024 and "
                "2025, in all neighbourhoods."
            ),
            who=_("The community builder or project leader, on their own."),
            when=_("Once a year. It takes about 20 minutes. You can stop halfway: your answers are kept."),
            steps=(
                _("Take 20 quiet minutes and think back to the past year."),
                _("Give each principle a number from 1 (hardly) to 5 (very strongly), and one example."),
                _("Choose the changes you saw and tell one story for each level."),
                _("Add what helped or hindered, and of what kind."),
                _("Send it. Your examples become fragments for coding."),
            ),
            consent_how=_("You fill this in yourself. Read this before you start:"),
            consent_script=(
                _("What you write is used by your team and the researchers to learn what works."),
                _("Your examples are for internal use only. They are not quoted in reports."),
                _NO_NAMES,
            ),
            examples=(
                Example(
                    _(
                        "Residents were in the lead: 4. Two mothers came up with the playground breakfast "
                        "themselves; we only arranged the key of the community centre."
                    ),
                    True,
                    _("A number with an example: who did what."),
                ),
                Example(_("Good."), False, _("No example. What happened, with whom?")),
                Example(
                    _("Residents were very involved in everything."),
                    False,
                    _("Too general. Tell one moment: who, what, when."),
                ),
            ),
            terms=("abcd", "effect_levels", "factor", "fragment"),
        ),
        Instruction(
            instrument=Instrument.WIJKWAARDENKAART,
            kind=FORM,
            purpose=_(
                "What do residents themselves value in their neighbourhood, and what helps or hinders it? "
                "In their own words. Together the conversations make the praatplaat: the neighbourhood's "
                "values as a picture, with the stories behind them."
            ),
            study_questions=("aanpak", "verandering"),
            in_the_study=_(
                "Trained connectors and community builders held 503 of these conversations in 12 "
                "focus neighbourhoods. They showed what residents value: contact, being yourself, a "
                "safe and clean street, peace, a fitting home, facilities, green."
            ),
            who=_("A connector or community builder, with one resident."),
            when=_("Any moment: at the door, on a bench, in the community centre. About 20 minutes."),
            steps=(
                _("Say who you are and why you ask. Say there are no right or wrong answers."),
                _("Ask: what do you value in this neighbourhood? Let the resident talk."),
                _("Ask further: can you give an example? What does that mean to you? Who matters in it?"),
                _(
                    "Ask what helps to keep it, what makes it difficult, and what they would like to do or give "
                    "themselves."
                ),
                _("Write down their words, not your summary. Do not write down names of other people."),
                _("At the end, ask for consent: read the script below. Fill in what the resident chooses."),
                _("After the conversation, choose the themes yourself. Offer a card with a personal code."),
            ),
            consent_how=_(
                "Ask at the end of the conversation, when the resident knows what they told. Read this aloud:"
            ),
            consent_script=(
                _("Thank you for your story. May we use it? You choose:"),
                _(
                    "We may use it and quote it, without your name. Or: we use it within the team only, and do "
                    "not quote it. Or: we do not keep it."
                ),
                _(
                    "We never put your name with it: you get a made-up name. We take out names of other people, "
                    "and a person reads every quote before it is shown anywhere."
                ),
                _(
                    "If you say we may not keep it, we keep none of your words. We only note which themes we "
                    "talked about, without you."
                ),
                _(
                    "May we also keep your age group and where you come from? You do not have to. It helps us "
                    "see who is not taking part yet."
                ),
                _(
                    "You get a card with a personal code. With it you can see at %(address)s what we wrote down, "
                    "correct your words, stop quotes, or have everything erased."
                ),
                _("You can always say no later."),
            ),
            examples=(
                Example(
                    _(
                        "‘The benches by the water. I sit there every afternoon with the neighbours. That is "
                        "how you know how everyone is doing.’"
                    ),
                    True,
                    _("The resident's own words, with a concrete place and what it means."),
                ),
                Example(
                    _("Resident finds social cohesion important."),
                    False,
                    _("Your summary in professional words. Write what the resident said."),
                ),
                Example(
                    _("She often talks with Ans from the bakery on the corner."),
                    False,
                    _("The name of someone else, who did not give consent. Write ‘a woman from the bakery’."),
                ),
            ),
            terms=(
                "consent",
                "pseudonym",
                "personal_code",
                "quote_review",
                "praatplaat",
                "fragment",
                "focus",
            ),
        ),
        Instruction(
            instrument=Instrument.PAS_OP_DE_PLAATS,
            kind=FORM,
            purpose=_(
                "A short look back with your team or with connectors: what did we do, what changed, what "
                "helped, what hindered, what do we do now? For yourselves first."
            ),
            study_questions=("aanpak", "duurzaamheid"),
            in_the_study=_(
                "All neighbourhoods held these conversations in 2024; in 2025 the study analysed them "
                "together."
            ),
            who=_("Community builders with connectors or their team. One person takes short notes."),
            when=_("Every few months, for example at the end of a team meeting. Ten minutes is enough."),
            steps=(
                _("Pick a moment and say it will take ten minutes."),
                _("Go through the five questions one by one."),
                _("Write short notes of what was said. It does not have to be a report."),
                _("Agree on one next step together."),
            ),
            consent_how=_("Say this at the start:"),
            consent_script=(
                _("We write down briefly what we discuss, to learn from it ourselves."),
                _("It stays with the team and the researchers. We do not quote it."),
                _NO_NAMES,
                _("If you do not want something written down, say so."),
            ),
            examples=(
                Example(
                    _(
                        "What helped: two connectors now have the key of the community centre, so they can "
                        "open it themselves."
                    ),
                    True,
                    _("Concrete, and it says why it helped."),
                ),
                Example(_("Did a lot."), False, _("What exactly? Name one or two things.")),
                Example(
                    _("Karin did nothing again."),
                    False,
                    _("A name and blame. Write what hindered the work, not who."),
                ),
            ),
            terms=("factor", "fragment"),
        ),
        Instruction(
            instrument=Instrument.EFFECTENPLEIN,
            kind=MEETING,
            purpose=_(
                "Residents and connectors share stories of change, place them on the three levels, "
                "recognise each other's stories, and together choose the most significant ones."
            ),
            study_questions=("verandering",),
            in_the_study=_("Focus neighbourhoods held Effectenpleinen in 2025, the last year of the study."),
            who=_(
                "A community builder as facilitator, with a projector. Participants use their own phones, "
                "without an account."
            ),
            when=_("As a meeting, for example once a year. Plan about one and a half hours."),
            steps=(
                _("Start a meeting from the neighbourhood page. Show the code and QR code on the projector."),
                _("Explain the three levels with an example."),
                _("Let people write their story of change on their phone, for about ten minutes."),
                _("Read stories from the wall aloud. People tap ‘I recognise this’."),
                _("Start the voting round: everyone chooses the most significant stories. Talk about why."),
                _("Close the meeting. The stories that are kept become fragments."),
            ),
            consent_how=_("Read this before people start writing:"),
            consent_script=(
                _("You take part without a name. A nickname is fine."),
                _("What you write, the others see here on the screen."),
                _(
                    "If you tick ‘My story may be used (without my name)’, it may appear in a report about the "
                    "neighbourhood, without a name. A person reads it first. Without a tick only the people "
                    "evaluating the work read it."
                ),
                _(
                    "On your phone you can ask for a personal code. With it you can see your stories at "
                    "%(address)s, correct them, stop quotes, or have everything erased."
                ),
            ),
            examples=(
                Example(
                    _(
                        "‘Since the vegetable garden I greet the neighbours across the street. Last week I "
                        "helped one of them move.’"
                    ),
                    True,
                    _("A concrete change between people, with an example."),
                ),
                Example(
                    _("‘Nice activities!’"), False, _("No change. Ask: what is different now, for whom?")
                ),
                Example(
                    _("‘My neighbour Piet drinks less since he joined.’"),
                    False,
                    _("A name and health information about someone else. Tell your own story."),
                ),
            ),
            terms=("effect_levels", "consent", "personal_code", "quote_review", "fragment"),
        ),
        Instruction(
            instrument=Instrument.BUURTBEZOEK,
            kind=DOCUMENT,
            purpose=_(
                "See the work with your own eyes: walk through the neighbourhood, talk with residents and "
                "professionals, and write field notes. The notes become fragments for coding."
            ),
            study_questions=("aanpak", "verandering"),
            in_the_study=_("Researchers visited the focus neighbourhoods twice, in 2023 and 2024."),
            who=_("A researcher or community builder, with a connector who knows the neighbourhood."),
            when=_("Once or twice a year, for a morning or an afternoon."),
            steps=(
                _("Plan the visit with the community builder: which places, which people."),
                _("Walk with a connector. Talk with people where they are."),
                _(
                    "Write your notes the same day. Keep three things apart: what you saw, what people said "
                    "(in quotation marks), and what you think of it."
                ),
                _(
                    "Upload the notes as a document, or paste the text. Choose the consent for the whole "
                    "document."
                ),
            ),
            consent_how=_("Say this to the people you talk with:"),
            consent_script=(
                _("I am here to learn how the work in this neighbourhood goes. I take notes, without names."),
                _(
                    "May I write down what you say? A quote only goes into a report without your name, and only "
                    "if you agree. A person reads it first."
                ),
                _(
                    "If you later want something corrected or removed, tell the community builder. They can "
                    "have it removed."
                ),
            ),
            examples=(
                Example(
                    _(
                        "At the community centre at 10 o'clock: eight people having coffee, two of them new. "
                        "A resident: ‘I came for the bicycle repair and stayed.’ (My impression: the coffee "
                        "morning works as a hook.)"
                    ),
                    True,
                    _("Seen, heard and your own view are kept apart."),
                ),
                Example(
                    _("Nice atmosphere, people were positive."),
                    False,
                    _("Vague. What did you see, what did someone say?"),
                ),
                Example(
                    _("Sandra de Vries (Long Street 4) told me that..."),
                    False,
                    _("A name and an address. Write ‘a resident’."),
                ),
            ),
            terms=("fragment", "consent", "quote_review", "focus"),
        ),
        Instruction(
            instrument=Instrument.INTERVIEW,
            kind=DOCUMENT,
            purpose=_(
                "A long conversation of about an hour, to understand what changed and what makes it "
                "last. The transcript becomes fragments for coding."
            ),
            study_questions=("verandering", "duurzaamheid"),
            in_the_study=_("In 2025 researchers held in-depth interviews in the focus neighbourhoods."),
            who=_("A researcher or trained community builder, with one person (sometimes two)."),
            when=_("Once, towards the end of a programme year. About an hour."),
            steps=(
                _(
                    "Prepare a few topics: how it started, what changed, what helped or hindered, what is "
                    "needed to last."
                ),
                _("Ask for consent at the start: read the script below."),
                _("Ask open questions and ask further: can you give an example?"),
                _(
                    "Type out the conversation with a speaker at the start of each turn, for example "
                    "‘Interviewer:’ and ‘Resident:’. Then the app sees who speaks."
                ),
                _("Upload the transcript as a document. Check the speakers on the preview."),
            ),
            consent_how=_("Read this at the start, before you record anything:"),
            consent_script=(
                _(
                    "This conversation takes about an hour. I take notes or make a recording, only to type it "
                    "out. Only the typed text goes into the app."
                ),
                _("In the text we replace names by a role, such as ‘Resident 1’."),
                _("May we quote your words, without your name? A person reads every quote first."),
                _(
                    "You may skip a question or stop at any time. If you later want something corrected or "
                    "removed, tell me."
                ),
            ),
            examples=(
                Example(
                    _(
                        "Interviewer: What changed for you?\nResident: I dare to speak to people now. Last "
                        "year I would never have invited the street."
                    ),
                    True,
                    _("Speakers marked, the person's own words."),
                ),
                Example(
                    _("She said she had more self-confidence."),
                    False,
                    _("Your interpretation, and no speaker. Type what she said."),
                ),
                Example(
                    _("Interviewer: And Ahmed from the mosque?"),
                    False,
                    _("A name of someone who is not there. Say ‘someone from the mosque’."),
                ),
            ),
            terms=("fragment", "consent", "quote_review", "effect_levels"),
        ),
        Instruction(
            instrument=Instrument.REFLECTIESESSIE,
            kind=DOCUMENT,
            purpose=_(
                "Look back together at what the study found: do you recognise it, what is missing, what "
                "is needed to last? The notes become fragments for coding."
            ),
            study_questions=("duurzaamheid",),
            in_the_study=_(
                "In 2025, the last year of the study, there was a reflection session for all neighbourhoods."
            ),
            who=_("Researchers with community builders and connectors. One person takes notes."),
            when=_("Once a year, after the reports. About two hours."),
            steps=(
                _("Show the neighbourhood picture (buurtbeeld) or the first findings."),
                _("Ask: do you recognise this? What is missing? What surprises you?"),
                _("Ask what is needed to keep the work going: people, places, money, agreements."),
                _("Write down the conclusions and the most important words, without names."),
                _("Upload the notes as a document."),
            ),
            consent_how=_("Say this at the start:"),
            consent_script=(
                _("We write down what we conclude together, without names."),
                _(
                    "The notes are for internal use, unless everyone agrees that they may be quoted without "
                    "names."
                ),
                _("If you do not want something written down, say so."),
            ),
            examples=(
                Example(
                    _(
                        "We recognise the stacking: the subsidy stops in June and the community centre "
                        "closes. Needed: one fixed contact at the municipality."
                    ),
                    True,
                    _("A conclusion with what is needed."),
                ),
                Example(_("Good session, everyone agreed."), False, _("What did you agree on?")),
                Example(
                    _("Community builder Marco thinks the municipality is slow."),
                    False,
                    _("A name. Write what hinders, not who said it."),
                ),
            ),
            terms=("factor", "fragment", "consent"),
        ),
    ]
}


def instruction_get(key: str) -> Instruction | None:
    return INSTRUCTIONS.get(key)


def instructions_all() -> list[Instruction]:
    """In the order of the study's instruments (``Instrument``)."""
    return [INSTRUCTIONS[value] for value in Instrument.values if value in INSTRUCTIONS]
