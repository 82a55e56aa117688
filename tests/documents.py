"""Small interchange documents for the tests, built fresh each time."""


def person(name, **fields):
    return {"name": name, **fields}


def meeting(starts_at="2014-03-27T14:00", **fields):
    return {"starts_at": starts_at, **fields}


def document(*programmes):
    return {"format": "groupes/1", "programmes": list(programmes) or [programme()]}


def programme(title="Assises territoriales", **fields):
    fields.setdefault(
        "groups",
        [
            {
                "number": 1,
                "title": "Complémentarités des métiers",
                "members": [
                    person("Julien Morel", email="julien@exemple.example", organisation="ATEC", role="facilitator"),
                    person("Karim Benali", organisation="CAF du Cher"),
                ],
                "meetings": [
                    meeting(
                        ends_at="2014-03-27T17:00",
                        title="Poser la thématique",
                        status="held",
                        agenda=[
                            {"title": "Présentation de la démarche", "duration_min": 30, "notes": "Notes du point."},
                            {
                                "title": "Enjeux",
                                "children": [{"title": "Pratiques inspirantes", "presenter": "Karim Benali"}],
                            },
                        ],
                        attendance=[
                            person("Julien Morel", status="present"),
                            person(
                                "Karim Benali",
                                organisation="CAF du Cher",
                                status="represented",
                                represented_by="Ana Diaz",
                            ),
                            person("Invitée Externe", organisation="ARS Centre", status="present"),
                        ],
                        minutes={
                            "status": "validated",
                            "sections": [{"heading": "L'évolution du champ", "body": "Texte."}],
                        },
                        findings=[{"kind": "piste", "text": "Travailler la notion de parcours."}],
                        decisions=[{"text": "Élargir le groupe."}, {"text": "Organiser une journée."}],
                        actions=[
                            {"title": "Inviter les employeurs", "owner": "Julien Morel", "due": "2014-04-20"},
                            {"title": "Réserver une salle", "owner": "Conseil départemental", "status": "done"},
                        ],
                    )
                ],
            }
        ],
    )
    return {"title": title, **fields}
