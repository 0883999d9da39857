from services.notifications.main import create_app
from services.notifications.settings import NotificationsSettings
from shared.serve import build_and_serve

if __name__ == "__main__":
    build_and_serve(create_app, NotificationsSettings())
