"""The two groups of the 2014 annex (« Annexe 2 : Liste des comptes-rendus des groupes de
travail », inter-région Île-de-France / Centre), rebuilt from its structure
(shared/reference/etats-generaux-annexe.md): headings, order and dates as published, the
prose written anew."""

from datetime import UTC, date, datetime

from groupes.groups.models import Organisation, Person, Visibility, WorkingGroup
from groupes.meetings.models import AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from groupes.minutes.models import Minutes, MinutesSection, MinutesStatus
from groupes.outcomes.models import Decision, Finding, FindingKind
from groupes.programmes.models import Milestone, Programme

PROSE = (
    "Les participants ont partagé leurs constats sur l’accompagnement des personnes accueillies, "
    "en croisant les regards des départements, des caisses d’allocations familiales, des associations "
    "gestionnaires et des écoles de travail social. La discussion a fait apparaître la nécessité "
    "d’articuler davantage les interventions, de reconnaître la place des personnes accompagnées dans "
    "l’élaboration des réponses et de mieux outiller les professionnels de l’accueil."
)


def meeting(group, day: datetime, title: str, agenda, sections, findings, decisions, people) -> Meeting:
    m = Meeting(
        group=group,
        starts_at=day,
        ends_at=day.replace(hour=day.hour + 3),
        title=title,
        place="DRJSCS Centre, 122 rue du Faubourg Bannier, Orléans",
        status=MeetingStatus.HELD,
    )
    m.minutes = Minutes(status=MinutesStatus.VALIDATED, validated_at=day)
    for n, (point, children) in enumerate(agenda):
        item = AgendaItem(meeting=m, title=point, position=n)
        item.children = [AgendaItem(meeting=m, title=c, position=100 + n * 10 + i) for i, c in enumerate(children)]
    m.minutes.sections = [
        MinutesSection(heading=heading, body=f"{PROSE}\n\n{PROSE}", position=n) for n, heading in enumerate(sections)
    ]
    m.findings = [Finding(kind=kind, text=text, position=n) for n, (kind, text) in enumerate(findings)]
    m.decisions = [Decision(number=n + 1, text=text) for n, text in enumerate(decisions)]
    m.attendances = [Attendance(person=p, status=AttendanceStatus.PRESENT) for p in people]
    return m


def build_annex_2014() -> Programme:
    programme = Programme(
        title="Assises territoriales du travail social – A.T.T.S. de l’Inter-région Île-de-France / Centre",
        header="Ministère des Affaires sociales et de la Santé\nDirection générale de la cohésion sociale",
        document_label="Annexe 2",
        document_date=date(2014, 5, 20),
    )
    programme.milestones = [
        Milestone(title="Assises interrégionales", date=date(2014, 6, 2), place="Paris 7ème"),
        Milestone(title="États généraux", date=date(2014, 11, 1), by_month=True),
        Milestone(title="Équipe projet interrégionale", date=date(2014, 5, 12)),
        Milestone(title="Comité de pilotage", date=date(2014, 4, 29), place="Orléans"),
    ]
    people = [
        Person(name=name, organisation=Organisation(name=org), function=function)
        for name, org, function in [
            ("Claire Moreau", "Conseil général d’Indre-et-Loire", "Cheffe de service"),
            ("Paul Girard", "Caisse d’allocations familiales du Cher", "Conseiller technique"),
            ("Nadia Benali", "CPAM du Loiret", "Responsable de l’accès aux droits"),
            ("Louis Perrin", "URIOPSS Centre", "Délégué régional"),
            ("Sophie Lambert", "ARS Centre", "Chargée de mission"),
            ("Marc Dubois", "ERTS Olivet", "Formateur"),
        ]
    ]
    one = WorkingGroup(
        programme=programme,
        number=1,
        theme="Métiers et complémentarités – Hébergement Logement",
        territory="Région Centre",
        title="Complémentarités des métiers : focus sur la notion de parcours",
        facilitation="Animation : ATEC – Pôle ressources Tours",
        visibility=Visibility.PUBLIC,
    )
    meeting(
        one,
        datetime(2014, 3, 27, 9, 30, tzinfo=UTC),
        "",
        [
            (
                "Présentation de la démarche, partage des constats (diagnostic) et problématisation / "
                "priorisation des questions à traiter",
                [],
            ),
            ("Identification des enjeux de la thématique, pratiques inspirantes", []),
            ("Détermination des modes de travail du groupe et des échéanciers", []),
        ],
        [
            "L’évolution du champ",
            "L’évolution des formations",
            "Complémentarité des métiers ou coordination institutionnelle ?",
            "L’évolution des pratiques",
        ],
        [
            (FindingKind.PISTE, "Développer des lieux d’échanges entre professionnels de l’accueil et du logement."),
            (FindingKind.PISTE, "Construire des formations communes aux métiers de l’hébergement et du logement."),
        ],
        [
            "Élargir le groupe de travail (employeurs, travailleurs sociaux)",
            "Organiser une journée de travail avec les professionnels de l’accueil, de l’hébergement et du "
            "logement (département 37)",
        ],
        people[:4],
    )
    meeting(
        one,
        datetime(2014, 4, 24, 9, 30, tzinfo=UTC),
        "",
        [
            ("Retour sur la journée de travail avec les professionnels du département 37", []),
            ("Débat sur les priorités diffusées par courriel", ["Parcours et points de rupture", "Formation"]),
        ],
        ["Les priorités retenues"],
        [],
        [
            "Poursuivre le groupe de travail au-delà des Assises interrégionales",
            "Engager la réflexion sur la formation avec les écoles de travail social",
        ],
        people[:5],
    )
    meeting(
        one,
        datetime(2014, 5, 7, 9, 30, tzinfo=UTC),
        "",
        [("Synthèse des travaux conduits pour présentation lors des Assises interrégionales", [])],
        ["Synthèse des travaux"],
        [],
        [],
        people[:3],
    )
    two = WorkingGroup(
        programme=programme,
        number=2,
        theme="Accès aux droits",
        territory="Région Centre",
        title="Articulation des acteurs et des institutions pour l’accès aux droits",
        facilitation="Animé par l’URIOPSS",
        visibility=Visibility.PUBLIC,
    )
    meeting(
        two,
        datetime(2014, 3, 24, 13, 0, tzinfo=UTC),
        "Poser la thématique",
        [("Présentation des participants et de la démarche", []), ("Méthodologie du groupe", [])],
        ["Les attentes des participants"],
        [(FindingKind.CONSTAT, "Les dispositifs se superposent sans que les personnes s’y retrouvent.")],
        ["Recenser les expériences d’accueil commun des institutions"],
        people[1:],
    )
    meeting(
        two,
        datetime(2014, 4, 17, 13, 0, tzinfo=UTC),
        "Identifier des préconisations",
        [("Synthèse des constats par catégorie", [])],
        [],
        [
            (FindingKind.CONSTAT, "Le non-recours aux droits touche d’abord les personnes les plus isolées."),
            (FindingKind.FAIBLESSE, "Les informations circulent mal entre les institutions."),
            (FindingKind.BESOIN, "Un interlocuteur unique pour les situations complexes."),
            (FindingKind.MENACE, "La dématérialisation éloigne une partie du public des guichets."),
            (FindingKind.PRECONISATION, "Organiser des permanences communes CAF, CPAM et Conseil général."),
            (FindingKind.PRATIQUE, "L’accueil commun de la CAF du Cher et du Conseil général d’Indre-et-Loire."),
        ],
        [],
        people[1:],
    )
    return programme
