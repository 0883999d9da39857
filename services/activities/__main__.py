from services.activities.main import create_app
from services.activities.settings import ActivitiesSettings
from shared.serve import build_and_serve

if __name__ == "__main__":
    build_and_serve(create_app, ActivitiesSettings())
